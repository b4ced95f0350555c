import Foundation
import Testing
@testable import TerminalUI

/// The y axis is labelled at round numbers, and a flat line carries its own value beside it.
@Suite struct LineChartTickTests {
    /// The y labels with their rows, and the rows the (single) series is drawn on.
    static func axis(_ chart: LineChart, width: Int = 40, height: Int = 10) -> (labels: [Int: String], lineRows: Set<Int>) {
        var g = Grid(width: width, height: height)
        chart.render(into: &g, g.bounds, theme: .builtin)
        var labels: [Int: String] = [:], rows = Set<Int>()
        for y in 0..<(height - 1) {
            let label = String(g.lines[y].prefix(7)).trimmingCharacters(in: .whitespaces)
            if !label.isEmpty { labels[y] = label }
            if (8..<width).contains(where: { (0x2801...0x28FF).contains(g[$0, y].scalar.value) }) { rows.insert(y) }
        }
        return (labels, rows)
    }

    @Test func aFlatLineIsLabelledWithItsValue() {
        for (height, logY) in [(5, true), (10, true), (10, false), (4, false)] {
            let a = Self.axis(LineChart(series: [ChartSeries(xs: [1, 2, 3], ys: [0.001, 0.001, 0.001], color: .rgb(0, 255, 0))], logY: logY),
                              height: height)
            let row = try! #require(a.lineRows.first)
            #expect(a.lineRows.count == 1 && a.labels[row] == "1e-03", "\(height) \(logY): \(a.labels) line on \(a.lineRows)")
            #expect(!a.labels.values.contains("9.6e-04"))
        }
        let beta = Self.axis(LineChart(series: [ChartSeries(xs: [1, 2, 3], ys: [1, 1, 1], color: .rgb(0, 255, 0))]), height: 6)
        #expect(beta.labels[beta.lineRows.first!] == "1", "\(beta)")
    }

    @Test func ticksAreRoundNumbers() {
        let xs = (1...100).map(Double.init)
        let a = Self.axis(LineChart(series: [ChartSeries(xs: xs, ys: xs.map { 549 * exp(-$0 / 20) + 20 }, color: .rgb(255, 0, 0))]), height: 12)
        let values = a.labels.values.compactMap(Double.init)
        #expect(values.count >= 3 && values.allSatisfy { $0.truncatingRemainder(dividingBy: 100) == 0 }, "\(a.labels)")
        let lr = Self.axis(LineChart(series: [ChartSeries(xs: xs, ys: xs.map { 1e-3 * (1 + 0.4 * sin($0 / 10)) }, color: .rgb(255, 0, 0))], logY: true),
                           height: 12)
        #expect(lr.labels.values.allSatisfy { ["6e-04", "7e-04", "8e-04", "9e-04", "1e-03", "1.1e-03", "1.2e-03", "1.3e-03", "1.4e-03"].contains($0) }, "\(lr.labels)")
    }
}

/// Change tags: every change at one step is named, and the tag of a change the line steps at stays visible.
@Suite struct MarkerTagTests {
    @Test func tagsOfOneStepAreTogetherAndBesideTheStep() {
        let xs = (1...100).map(Double.init)
        // The line jumps at step 50 (its vertical step fills that column); two changes there, one at 80.
        var chart = LineChart(series: [ChartSeries(xs: xs, ys: xs.map { $0 < 50 ? 1 : 10 }, color: .rgb(255, 0, 0))], markers: [50.5, 50.5, 80.5])
        chart.markerTags = ["1", "2", "3"]
        var g = Grid(width: 60, height: 12)
        chart.render(into: &g, g.bounds, theme: .builtin)
        let text = g.lines.joined(separator: "\n")
        #expect(text.contains("1,2") && text.contains("3"), "\(text)")
    }
}

@Suite struct FlatFloatTickTests {
    /// A float32 lr recorded as a double (0.0010000000474974513) is still labelled 1e-03.
    @Test func aFloatLrIsLabelled() {
        let v = Double(Float(0.001))
        for h in [10, 12, 14] {
            let a = LineChartTickTests.axis(LineChart(series: [ChartSeries(xs: [1, 2, 3], ys: [v, v, v], color: .rgb(0, 255, 0)),
                                                              ChartSeries(xs: [1, 2, 3], ys: [v, v, v], color: .rgb(0, 0, 255))], logY: true), height: h)
            #expect(a.labels.values.contains("1e-03"), "\(h): \(a.labels) \(a.lineRows)")
        }
    }
}
