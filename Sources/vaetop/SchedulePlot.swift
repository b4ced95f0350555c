import Foundation
import Runs
import Training

/// Draws the schedule preview as braille line charts with min/max labels (plain text, no curses).
enum SchedulePlot {
    static func render(rows: [SchedulePlan.Row], width: Int, height: Int, config: RunConfig) -> [String] {
        var out: [String] = []
        var series: [(String, [Double])] = [
            ("lr (\(config.lrSchedule.kind.rawValue))", rows.map(\.lr)),
            ("β1/momentum", rows.map(\.momentum)),
        ]
        if config.betaSchedule.kind == .capacity {
            // Capacity annealing: the weight is a constant γ; what moves is the capacity C the KL is pulled to.
            series.append(("γ (weight of |KL − C|)", rows.map(\.beta)))
            series.append(("capacity C (nats)", rows.map { $0.capacity ?? 0 }))
        } else {
            series.append(("β (\(config.betaSchedule.kind.rawValue))", rows.map(\.beta)))
        }
        for (name, values) in series {
            let lo = values.min() ?? 0, hi = values.max() ?? 0
            out.append("\(name): \(fmt(values.first ?? 0)) → \(fmt(values.last ?? 0))   min \(fmt(lo))  max \(fmt(hi))")
            let label = 10
            let cols = max(10, width - label - 1)
            var cells = [UInt32](repeating: 0, count: cols * height)
            let px = cols * 2, py = height * 4
            for x in 0..<px {
                let i0 = x * values.count / px, i1 = max(i0 + 1, (x + 1) * values.count / px)
                // Each column reaches back to the previous column's last value: a drop between two columns (a
                // cyclical β restarting) is drawn as the vertical it is.
                let seg = values[max(0, i0 - 1)..<min(i1, values.count)]
                guard let a = seg.min(), let b = seg.max() else { continue }
                let ya = yPixel(a, lo, hi, py), yb = yPixel(b, lo, hi, py)
                for y in min(ya, yb)...max(ya, yb) { cells[(y / 4) * cols + x / 2] |= bit(x % 2, y % 4) }
            }
            for r in 0..<height {
                let tick = r == 0 ? fmt(hi) : (r == height - 1 ? fmt(lo) : "")
                let row = (0..<cols).map { Character(Unicode.Scalar(0x2800 + cells[r * cols + $0])!) }
                out.append(tick.padding(toLength: label, withPad: " ", startingAt: 0) + "│" + String(row))
            }
            out.append(String(repeating: " ", count: label) + "└" + String(repeating: "─", count: cols))
            let right = "step \(values.count)"
            out.append(String(repeating: " ", count: label + 1) + "step 1".padding(toLength: max(0, cols - right.count), withPad: " ", startingAt: 0) + right)
        }
        return out
    }

    private static func yPixel(_ v: Double, _ lo: Double, _ hi: Double, _ py: Int) -> Int {
        guard hi > lo else { return py / 2 }
        return min(py - 1, max(0, Int(((hi - v) / (hi - lo) * Double(py - 1)).rounded())))
    }

    private static func bit(_ dx: Int, _ dy: Int) -> UInt32 {
        let table: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        return table[dx][dy]
    }

    private static func fmt(_ v: Double) -> String { String(format: "%.4g", v) }
}
