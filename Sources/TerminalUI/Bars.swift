/// Horizontal bars with labels and values (eighth-block resolution).
public struct Bars {
    /// One bar.
    public struct Item {
        public var label: String
        public var value: Double
        /// Drawn in the "collapsed" colour with a mark.
        public var flagged: Bool
        public init(label: String, value: Double, flagged: Bool = false) { self.label = label; self.value = value; self.flagged = flagged }
    }
    public var items: [Item]
    /// Value of a full bar; nil means the largest item.
    public var maximum: Double?
    public var ascii: Bool

    public init(items: [Item], maximum: Double? = nil, ascii: Bool = false) {
        self.items = items; self.maximum = maximum; self.ascii = ascii
    }

    private static let eighths: [Unicode.Scalar] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

    public func render(into grid: inout Grid, _ r: Rect, theme: Theme) {
        guard r.width > 8, r.height > 0 else { return }
        let labelWidth = (items.map(\.label.count).max() ?? 3) + 1
        let valueWidth = 8
        let barWidth = r.width - labelWidth - valueWidth
        guard barWidth > 0 else { return }
        let maxV = maximum ?? max(items.map(\.value).filter(\.isFinite).max() ?? 1, 1e-9)
        let overflow = items.count > r.height
        let background = theme[.mainBg]
        for (i, item) in items.prefix(overflow ? r.height - 1 : r.height).enumerated() {
            let y = r.y + i
            let labelStyle = item.flagged ? theme.style(.collapsed, [.bold]) : theme.style(.graphText)
            grid.text(item.label, x: r.x, y: y, style: labelStyle, maxWidth: labelWidth - 1)
            let frac = item.value.isFinite ? min(1, max(0, item.value / maxV)) : 0
            let eighthsTotal = (frac * Double(barWidth * 8)).rounded().clampedInt(0...(barWidth * 8))
            let color = item.flagged ? theme[.collapsed] : theme.gradient(.bar, frac)
            for c in 0..<barWidth {
                let e = min(8, max(0, eighthsTotal - c * 8))
                let scalar: Unicode.Scalar = ascii ? (e >= 4 ? "#" : " ") : Self.eighths[e]
                grid[r.x + labelWidth + c, y] = Cell(scalar, Style(fg: color, bg: background))
            }
            let v = (item.flagged ? (ascii ? "x" : "×") : "") + SeriesMath.label(item.value)
            grid.text(v.leftPadded(valueWidth), x: r.maxX - valueWidth, y: y, style: labelStyle)
        }
        if overflow {
            grid.text("+\(items.count - r.height + 1) more", x: r.x, y: r.maxY - 1, style: theme.style(.inactiveFg))
        }
    }
}
