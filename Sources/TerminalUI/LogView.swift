/// The newest lines of a log, newest at the bottom.
public struct LogView {
    /// (text, colour key) pairs, oldest first.
    public var lines: [(String, String)]
    public init(lines: [(String, String)]) { self.lines = lines }

    public func render(into grid: inout Grid, _ r: Rect, theme: Theme) {
        guard r.height > 0, r.width > 0 else { return }
        let shown = lines.suffix(r.height)
        for (i, (text, key)) in shown.enumerated() {
            grid.text(text, x: r.x, y: r.y + i, style: theme.style(key), maxWidth: r.width)
        }
    }
}
