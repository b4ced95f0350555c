import Foundation
import Testing
@testable import TerminalUI

@Suite struct SeriesMathTests {
    /// TensorBoard's debiased EMA with weight 0.6 on [1, 2, 3], by hand:
    /// last = 0.4 → 0.4/0.4 = 1; last = 0.24 + 0.8 = 1.04 → 1.04/0.64 = 1.625; last = 0.624 + 1.2 = 1.824 → 1.824/0.784.
    @Test func debiasedEMA() {
        let s = SeriesMath.debiasedEMA([1, 2, 3], weight: 0.6)
        #expect(abs(s[0] - 1) < 1e-12 && abs(s[1] - 1.625) < 1e-12 && abs(s[2] - 1.824 / 0.784) < 1e-12)
        let withNaN = SeriesMath.debiasedEMA([1, .nan, 3], weight: 0.6)
        #expect(withNaN[1].isNaN && abs(withNaN[2] - (0.24 + 1.2) / 0.64) < 1e-12)
        #expect(SeriesMath.debiasedEMA([5, 7], weight: 0) == [5, 7])
    }

    @Test func minMaxBucketsKeepSpikes() {
        let xs = (0..<10_000).map(Double.init)
        var ys = [Double](repeating: 1, count: 10_000)
        ys[4321] = 500; ys[9000] = -3
        let b = SeriesMath.minMaxBuckets(xs: xs, ys: ys, lo: 0, hi: 9999, buckets: 7)
        #expect(b.compactMap { $0?.1 }.max() == 500)
        #expect(b.compactMap { $0?.0 }.min() == -3)
        #expect(b.allSatisfy { $0 != nil })
    }

    @Test func labels() {
        #expect(SeriesMath.label(0.001) == "1.0e-03")
        #expect(SeriesMath.label(123.4) == "123")
        #expect(SeriesMath.label(12.34) == "12.3")
        #expect(SeriesMath.label(.nan) == "nan")
    }

    /// Tick labels take the fewest digits that read back as the value: the same text as formatting 0…4 digits in
    /// turn, on round numbers, float32 values, awkward values and both notations.
    @Test func roundLabelsAreTheFewestDigitsThatReadBack() {
        func slow(_ v: Double) -> String {
            guard v.isFinite, v != 0 else { return SeriesMath.label(v) }
            let exponent = abs(v) < 1e-2 || abs(v) >= 1e5
            for digits in 0...4 {
                let text = exponent ? String(format: "%.\(digits)e", v) : String(format: "%.\(digits)f", v)
                if let back = Double(text), abs(back - v) <= 1e-6 * abs(v) { return text }
            }
            return SeriesMath.label(v)
        }
        var values: [Double] = [0, 1, -1, 0.5, 0.25, 0.001, Double(Float(0.001)), Double(Float(0.3)), 2e-4, 5e-3, 1e5,
                                2.5e7, 12345.012, 12345.0000001, 9.99999e-3, 0.015, 0.125, 1.0000005, 123.45, -0.02, .nan, .infinity]
        for k in [1.0, 2, 5] { for d in -8...8 { values.append(k * pow(10, Double(d))) } }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let v = Double.random(in: -6...6, using: &rng)
            values.append(pow(10, v)); values.append((pow(10, v) * 100).rounded() / 100)
        }
        for v in values { #expect(SeriesMath.roundLabel(v) == slow(v), "\(v)") }
        #expect(SeriesMath.roundLabel(Double(Float(0.001))) == "1e-03")
    }

    /// The arithmetic formatting behind every label writes what printf writes (or leaves the value to printf).
    @Test func labelFormattingIsPrintfs() {
        var rng = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -0.3, 0.125, 9.996, 99.95, 0.0999, 1e5, 99999.5, 12345.25, 0.01, 0.00999, 1e-300]
        for _ in 0..<3000 {
            let v = pow(10, Double.random(in: -8...8, using: &rng)) * (Bool.random(using: &rng) ? 1 : -1)
            values += [v, (v * 100).rounded() / 100, (v * 8).rounded() / 8, Double(Float(v))]
        }
        for v in values {
            for d in 0...4 {
                if let t = SeriesMath.printfText(v, decimals: d, exponent: false) { #expect(t == String(format: "%.\(d)f", v), "\(v) \(d)f") }
                if let t = SeriesMath.printfText(v, decimals: d, exponent: true) { #expect(t == String(format: "%.\(d)e", v), "\(v) \(d)e") }
            }
            if let t = SeriesMath.threeSignificant(v) { #expect(t == String(format: "%.3g", v), "\(v) 3g") }
        }
        // Most values take the arithmetic path (the fallback is for ties).
        #expect(values.filter { SeriesMath.printfText($0, decimals: 2, exponent: false) != nil }.count > values.count * 9 / 10)
    }
}

@Suite struct GridAndWidgetTests {
    @Test func gridTextClipsAndDiffs() {
        var g = Grid(width: 5, height: 2)
        #expect(g.text("hello world", x: 2, y: 0, style: Style()) == 3)
        #expect(g.lines == ["  hel", "     "])
        let before = g
        g[0, 1] = Cell("x")
        #expect(g.changes(since: before) == [5])
        #expect(g.changes(since: nil).count == 10)
        g[99, 99] = Cell("y")   // out of range: ignored
    }

    @Test func rectSplitsCoverTheWhole() {
        let r = Rect(x: 3, y: 1, width: 101, height: 37)
        let cols = r.columns([0.58, 0.42])
        #expect(cols[0].width + cols[1].width == 101 && cols[1].x == cols[0].maxX)
        let rows = r.rows([1, 1, 1])
        #expect(rows.map(\.height).reduce(0, +) == 37 && rows[2].maxY == r.maxY)
    }

    /// Scrolled back as far as it goes, the log shows a full page from the oldest line, not one line over blanks.
    @Test func logScrolledToTheTopShowsAFullPage() {
        let lines = (1...30).map { (prefix: "\($0)", text: "event \($0)", color: ThemeRole.mainFg) }
        var g = Grid(width: 30, height: 10)
        LogView(lines: lines, scroll: 29).render(into: &g, g.bounds, theme: .builtin)
        #expect(g.lines.map { $0.trimmingCharacters(in: .whitespaces) } == (1...10).map { "\($0) event \($0)" })
        var h = Grid(width: 30, height: 10)
        LogView(lines: lines, scroll: 5).render(into: &h, h.bounds, theme: .builtin)
        #expect(h.lines.last!.trimmingCharacters(in: .whitespaces) == "25 event 25" && h.lines[0].contains("16 event 16"))
    }

    @Test func lineChartDrawsBrailleAxesAndMarkers() {
        var g = Grid(width: 40, height: 10)
        let xs = (1...100).map(Double.init)
        LineChart(series: [ChartSeries(xs: xs, ys: xs.map { $0 * $0 }, color: .rgb(255, 0, 0))], markers: [50])
            .render(into: &g, g.bounds, theme: .builtin)
        let text = g.lines.joined(separator: "\n")
        #expect(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        #expect(text.contains("┤") && text.contains("┊"))
        #expect(g.lines.last!.contains("100"))
        // Round ticks (2000 apart on this axis), each on its row.
        let labels = g.lines.prefix(9).compactMap { Double(String($0.prefix(7)).trimmingCharacters(in: .whitespaces)) }
        #expect(labels.count >= 3 && labels.allSatisfy { $0.truncatingRemainder(dividingBy: 2000) == 0 }, "\(labels)")
    }

    @Test func asciiChartUsesOnlyASCII() {
        var g = Grid(width: 30, height: 8)
        LineChart(series: [ChartSeries(xs: [1, 2, 3], ys: [3, 1, 2], color: .rgb(0, 255, 0))], markers: [2], ascii: true)
            .render(into: &g, g.bounds, theme: .builtin)
        #expect(g.lines.joined().unicodeScalars.allSatisfy { $0.isASCII })
        #expect(g.lines.joined().contains("*"))
    }

    @Test func logScaleTicksAreDecades() {
        var g = Grid(width: 30, height: 9)
        LineChart(series: [ChartSeries(xs: [1, 2, 3], ys: [1e-4, 1e-3, 1e-2], color: .rgb(0, 255, 0))], logY: true)
            .render(into: &g, g.bounds, theme: .builtin)
        // Powers of ten, one label style for the axis.
        #expect(g.lines[0].hasPrefix("  1e-02┤") && g.lines[7].hasPrefix("  1e-04┤"))
        #expect(g.lines.contains { $0.hasPrefix("  1e-03┤") })
    }

    @Test func flatSeriesGetsDistinctTicks() {
        var g = Grid(width: 30, height: 9)
        LineChart(series: [ChartSeries(xs: [1, 2, 3], ys: [1, 1, 1], color: .rgb(0, 255, 0))]).render(into: &g, g.bounds, theme: .builtin)
        let labels = g.lines.prefix(8).map { String($0.prefix(7)).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        #expect(labels == ["1"], "a flat line's own value is its axis' only number: \(labels)")
        // One number of decimals for the whole axis, the fewest that keep ticks apart.
        #expect(SeriesMath.axisLabels([1.05, 0.9938, 0.95]) == ["1.1", "1.0", "0.9"])
        #expect(SeriesMath.axisLabels([1.02, 1.0, 0.98]) == ["1.02", "1.00", "0.98"])
        #expect(SeriesMath.axisLabels([200, 100, 0]) == ["200", "100", "0"])
    }

    @Test func emptyAndTinyChartsDoNotCrash() {
        var g = Grid(width: 30, height: 6)
        LineChart(series: []).render(into: &g, g.bounds, theme: .builtin)
        #expect(g.lines.joined().contains("waiting for data"))
        var tiny = Grid(width: 1, height: 1)
        LineChart(series: [ChartSeries(xs: [1], ys: [1], color: .rgb(1, 1, 1))]).render(into: &tiny, tiny.bounds, theme: .builtin)
        Heatmap(columns: [[1, 2]], steps: [1]).render(into: &tiny, tiny.bounds, theme: .builtin)
        Bars(items: [.init(label: "a", value: 1)]).render(into: &tiny, tiny.bounds, theme: .builtin)
    }

    @Test func heatmapPacksTwoDimensionsPerRowWhenShort() {
        var g = Grid(width: 20, height: 5)
        let cols = (0..<10).map { t in (0..<8).map { Float($0 + t) } }
        Heatmap(columns: cols, steps: (1...10).map(Double.init)).render(into: &g, g.bounds, theme: .builtin)
        // Each row names both of its dimensions; the last row is the step axis.
        #expect(g.lines[0].hasPrefix("00/01") && g.lines[1].hasPrefix("02/03") && g.lines[3].hasPrefix("06/07"))
        #expect(g.lines[4].contains("1") && g.lines[4].hasSuffix("10"))
        #expect(g.lines.joined().contains("▀"))
    }

    @Test func barsMarkFlaggedItemsAndOverflow() {
        var g = Grid(width: 30, height: 3)
        let items = (0..<5).map { Bars.Item(label: "z0\($0)", value: Double($0), flagged: $0 == 0) }
        Bars(items: items).render(into: &g, g.bounds, theme: .builtin)
        #expect(g.lines[0].contains("×0"))
        #expect(g.lines[2].contains("+3 more"))
    }

    @Test func imageTileHalfBlocksAndSize() {
        #expect(ImageTile.size(rows: 28, cols: 28, scale: 1) == (28, 14))
        #expect(ImageTile.size(rows: 28, cols: 28, scale: 2) == (14, 7))
        #expect(ImageTile.size(rows: 28, cols: 28, scale: 3) == (10, 5))
        var g = Grid(width: 40, height: 9)
        let img = (0..<784).map { UInt8($0 % 256) }
        ImageTile(pixels: img, rows: 28, cols: 28, scale: 2).render(into: &g, x: 1, y: 1, theme: .builtin)
        #expect(g[1, 1].scalar == "▀" && g[14, 7].scalar == "▀" && g[15, 1].scalar == " " && g[1, 8].scalar == " ")
        // A wrong pixel count draws nothing.
        var blank = Grid(width: 10, height: 5)
        ImageTile(pixels: [1, 2], rows: 28, cols: 28, scale: 1).render(into: &blank, x: 0, y: 0, theme: .builtin)
        #expect(blank.lines.joined().allSatisfy { $0 == " " })
    }
}

