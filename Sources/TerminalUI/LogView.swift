/// A log, newest at the bottom: long lines wrap under their own text, and it can be scrolled back.
public struct LogView {
    /// (prefix, text, colour key) lines, oldest first; the prefix (a step number) stays in its own column.
    public var lines: [(prefix: String, text: String, color: ThemeRole)]
    /// Lines scrolled back from the newest (0: the newest line is at the bottom).
    public var scroll: Int

    public init(lines: [(prefix: String, text: String, color: ThemeRole)], scroll: Int = 0) {
        self.lines = lines; self.scroll = scroll
    }

    /// The rows a line takes at a width: its text split at spaces where it can, each row under the text's column.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var rows: [String] = [], rest = Substring(text)
        while rest.unicodeScalars.count > width {
            let scalars = rest.unicodeScalars
            let limit = scalars.index(scalars.startIndex, offsetBy: width)
            // Break at the last space within the width, unless that leaves less than a third of the row.
            var cut = limit
            if let space = scalars[scalars.startIndex..<limit].lastIndex(of: " "),
               scalars.distance(from: scalars.startIndex, to: space) >= width / 3 { cut = space }
            rows.append(String(String.UnicodeScalarView(scalars[scalars.startIndex..<cut])))
            rest = Substring(String(String.UnicodeScalarView(scalars[cut...])).drop { $0 == " " })
        }
        if !rest.isEmpty || rows.isEmpty { rows.append(String(rest)) }
        return rows
    }

    /// Draws into `r`; returns how many lines are hidden above and below.
    @discardableResult
    public func render(into grid: inout Grid, _ r: Rect, theme: Theme) -> (above: Int, below: Int) {
        guard r.height > 0, r.width > 0 else { return (0, 0) }
        let prefixWidth = lines.map(\.prefix.unicodeScalars.count).max() ?? 0
        let textWidth = max(8, r.width - prefixWidth - 1)
        // Lay out only as many lines from the scroll position back as fill the panel.
        var newest = max(0, lines.count - scroll)
        var rows: [(prefix: String, text: String, color: ThemeRole)] = []
        func laidOut(_ l: (prefix: String, text: String, color: ThemeRole)) -> [(prefix: String, text: String, color: ThemeRole)] {
            let wrapped = Self.wrap(l.text, width: prefixWidth > 0 && r.width > prefixWidth + 9 ? textWidth : r.width)
            return wrapped.enumerated().map { (k, t) in (k == 0 ? l.prefix : "", t, l.color) }
        }
        var i = newest
        while i > 0 && rows.count < r.height {
            i -= 1
            rows.insert(contentsOf: laidOut(lines[i]), at: 0)
        }
        // Scrolled back to the oldest line: the panel is filled from the top with the lines after it, never left
        // nearly empty.
        while rows.count < r.height && newest < lines.count {
            rows += laidOut(lines[newest])
            newest += 1
        }
        let shown = i == 0 && rows.count > r.height && newest > max(0, lines.count - scroll) ? rows.prefix(r.height) : rows.suffix(r.height)
        for (row, line) in shown.enumerated() {
            let y = r.y + row
            if prefixWidth > 0 && r.width > prefixWidth + 9 {
                grid.text(line.prefix.leftPadded(prefixWidth), x: r.x, y: y, style: theme.style(.graphText))
                grid.text(line.text, x: r.x + prefixWidth + 1, y: y, style: theme.style(line.color), maxWidth: textWidth)
            } else {
                grid.text(line.text, x: r.x, y: y, style: theme.style(line.color), maxWidth: r.width)
            }
        }
        return (i + (rows.count > r.height ? 1 : 0), lines.count - newest)
    }
}
