import Foundation

/// Rows of values over time as shaded cells: one row per latent dimension, time left to right.
public struct Heatmap {
    /// Column-major history: `columns[t][row]`.
    public var columns: [[Float]]
    /// Steps of the columns (ascending), for the x range.
    public var steps: [Double]
    /// Log shading (default: KL spans decades).
    public var logScale: Bool
    /// Row labels are "z00", "z01", …; rows flagged here are marked.
    public var flagged: Set<Int>
    public var ascii: Bool
    /// x range shown; nil means all columns.
    public var xRange: ClosedRange<Double>?

    public init(columns: [[Float]], steps: [Double], logScale: Bool = true, flagged: Set<Int> = [], ascii: Bool = false,
                xRange: ClosedRange<Double>? = nil) {
        self.columns = columns; self.steps = steps; self.logScale = logScale; self.flagged = flagged
        self.ascii = ascii; self.xRange = xRange
    }

    private static let shades: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    public func render(into grid: inout Grid, _ r: Rect, theme: Theme) {
        guard r.width > 5, r.height > 0, let rowsCount = columns.last?.count, rowsCount > 0, !steps.isEmpty else {
            if r.width > 16 && r.height > 0 { grid.text("waiting for data", x: r.x + 1, y: r.y, style: theme.style("graph_text")) }
            return
        }
        let labelWidth = 4
        let width = r.width - labelWidth
        // Two dimensions per row with half blocks when they do not fit one per row.
        let perRow = (!ascii && rowsCount > r.height) ? 2 : 1
        let capacity = r.height * perRow
        let overflow = rowsCount > capacity
        let shownRows = overflow ? (r.height - 1) * perRow : rowsCount
        let rows = (shownRows + perRow - 1) / perRow
        let xlo = xRange?.lowerBound ?? steps.first!, xhi = max(xRange?.upperBound ?? steps.last!, xlo + 1)
        func shade(_ v: Float) -> Double { logScale ? log10(Double(max(v, 1e-4))) : Double(v) }
        var lo = Double.infinity, hi = -Double.infinity
        let stride = max(1, columns.count / 512)
        for t in Swift.stride(from: 0, to: columns.count, by: stride) {
            for v in columns[t] where v.isFinite { let s = shade(v); lo = min(lo, s); hi = max(hi, s) }
        }
        if !(hi > lo) { hi = lo + 1 }
        for row in 0..<rows {
            let d = row * perRow
            let label = "z\(d < 10 ? "0" : "")\(d)"
            let flaggedRow = (d..<min(d + perRow, shownRows)).contains { flagged.contains($0) }
            let style = flaggedRow ? theme.style("collapsed", [.bold]) : theme.style("graph_text")
            grid.text(label, x: r.x, y: r.y + row, style: style, maxWidth: labelWidth - 1)
        }
        if overflow {
            grid.text("+\(rowsCount - shownRows) more dimensions", x: r.x, y: r.maxY - 1, style: theme.style("inactive_fg"), maxWidth: r.width)
        }
        // Each screen column shows the largest value among (a sample of) the steps that fall in it.
        var first = SeriesMath.lowerBound(steps, xlo)
        for c in 0..<width {
            let edge = xlo + (xhi - xlo) * Double(c + 1) / Double(width)
            let end = SeriesMath.lowerBound(steps, edge + 1e-9)
            // A column without a step of its own (fewer steps than columns) repeats the last step before it.
            let from: Int, lastIndex: Int
            if end > first { from = first; lastIndex = end } else if first > 0 { from = first - 1; lastIndex = first } else { continue }
            let sample = max(1, (lastIndex - from) / 8)
            var values = [Double?](repeating: nil, count: shownRows)
            for d in 0..<shownRows {
                var m: Float = -.infinity
                var i = from
                while i < lastIndex { let col = columns[i]; if d < col.count, col[d] > m { m = col[d] }; i += sample }
                if m.isFinite { values[d] = (shade(m) - lo) / (hi - lo) }
            }
            let x = r.x + labelWidth + c
            for row in 0..<rows {
                let y = r.y + row, d = row * perRow
                if ascii {
                    if let t = values[d] { grid[x, y] = Cell(Self.shades[(t * 9.99).clampedInt(0...9)], theme.style("main_fg")) }
                } else if perRow == 2 {
                    let top = values[d].map { theme.gradient("heat", $0) } ?? theme["main_bg"]
                    let bottom = d + 1 < shownRows ? (values[d + 1].map { theme.gradient("heat", $0) } ?? theme["main_bg"]) : theme["main_bg"]
                    grid[x, y] = Cell("▀", Style(fg: top, bg: bottom))
                } else if let t = values[d] {
                    grid[x, y] = Cell("█", Style(fg: theme.gradient("heat", t), bg: theme["main_bg"]))
                }
            }
            first = max(first, end)
        }
    }
}
