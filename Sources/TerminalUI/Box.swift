/// A bordered panel with a title; returns the inner area.
public struct Box {
    public var title: String
    public var focused: Bool
    public var ascii: Bool
    /// Right-aligned text in the top border (e.g. "log", "smoothed").
    public var badge: String

    public init(title: String, focused: Bool = false, ascii: Bool = false, badge: String = "") {
        self.title = title; self.focused = focused; self.ascii = ascii; self.badge = badge
    }

    /// Draws the border and title; the inner rectangle is what the content may use.
    @discardableResult
    public func render(into grid: inout Grid, _ r: Rect, theme: Theme) -> Rect {
        guard r.width >= 2, r.height >= 2 else { return Rect(x: r.x, y: r.y, width: 0, height: 0) }
        let line = theme.style(focused ? .boxFocus : .box, focused ? [.bold] : [])
        let (h, v, tl, tr, bl, br): (Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar) =
            ascii ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "╭", "╮", "╰", "╯")
        for x in (r.x + 1)..<(r.maxX - 1) { grid[x, r.y] = Cell(h, line); grid[x, r.maxY - 1] = Cell(h, line) }
        for y in (r.y + 1)..<(r.maxY - 1) { grid[r.x, y] = Cell(v, line); grid[r.maxX - 1, y] = Cell(v, line) }
        grid[r.x, r.y] = Cell(tl, line); grid[r.maxX - 1, r.y] = Cell(tr, line)
        grid[r.x, r.maxY - 1] = Cell(bl, line); grid[r.maxX - 1, r.maxY - 1] = Cell(br, line)
        if r.width > 4 {
            grid.text(" \(title) ", x: r.x + 1, y: r.y, style: theme.style(.title, [.bold]), maxWidth: r.width - 2)
        }
        let badgeWidth = badge.columns(ascii: grid.ascii)
        if !badge.isEmpty, r.width > title.columns(ascii: grid.ascii) + badgeWidth + 6 {
            grid.text(" \(badge) ", x: r.maxX - badgeWidth - 3, y: r.y, style: theme.style(.graphText))
        }
        return r.inset(1)
    }
}
