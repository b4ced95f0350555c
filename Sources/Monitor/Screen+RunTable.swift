import Runs
import TerminalUI

/// The runs panel of a comparison (in the hyperparameters' place): the run table, each drawn run with its colour's
/// mark, the focused one marked, the sorted column's arrow, and how many runs are drawn and hidden.
extension Screen {
    static func runTable(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme
        guard r.height > 0, r.width > 8 else { return }
        let table = RunTable(s)
        let footer = r.height >= 4 ? 1 : 0
        // Column widths: every cell and the title (with the sort arrow); the name column at most 24; the columns
        // that do not fit are left out from the right (the footer says so).
        // The sorted column's title carries ▼ (best first, down the table) or ▲ (reversed); every title keeps room
        // for it, so sorting never moves a column.
        let arrow = s.runSort.reversed ? (s.ascii ? "^" : "▲") : (s.ascii ? "v" : "▼")
        let sorted = min(s.runSort.column, table.columns.count - 1)
        let titles = table.columns.indices.map { table.columns[$0].title + ($0 == sorted ? arrow : "") }
        var widths = table.columns.indices.map { c in max(table.columns[c].title.count + 1, table.rows.map { $0.cells[c].count }.max() ?? 0) }
        let markWidth = 4
        // The names give way (to 12 columns) before a column of numbers is left out; the sorted column always shows.
        let nameWidth = min(widths[0], 24)
        var shown: [Int] = [0], used = markWidth + min(nameWidth, 12)
        if sorted > 0 { used += widths[sorted] + 2 }
        for c in table.columns.indices.dropFirst() where c != sorted && used + widths[c] + 2 <= r.width { used += widths[c] + 2; shown.append(c) }
        if sorted > 0 { shown.append(sorted); shown.sort() }
        widths[0] = min(nameWidth, min(nameWidth, 12) + max(0, r.width - used))
        let best = table.best
        // A sweep's names share a start (sgd-lr0.0005-guards-on, sgd-lr0.001-guards-off): a name too long for its column
        // drops that shared start, up to a separator, before it loses its end, where the runs differ.
        let names = table.rows.map(\.name)
        var shared = names.first.map { String($0) } ?? ""
        for n in names.dropFirst() { shared = String(shared.commonPrefix(with: n)) }
        if names.count < 2 { shared = "" }
        let sharedLength = shared.lastIndex(where: { "-_/. ".contains($0) }).map { shared.distance(from: shared.startIndex, to: $0) + 1 } ?? 0
        func line(_ cells: [String], y: Int, mark: String, markStyle: Style, style: Style, highlight: (Int) -> Bool = { _ in false }) {
            var x = r.x + g.text(mark, x: r.x, y: y, style: markStyle, maxWidth: markWidth)
            x = r.x + markWidth
            for (k, c) in shown.enumerated() {
                if k > 0 { x += 2 }
                var text = cells[c]
                let ellipsis = s.ascii ? "~" : "…"
                if c == 0 && text.count > widths[c] && sharedLength >= 3 && text.count > sharedLength && y != r.y {
                    text = ellipsis + text.dropFirst(sharedLength)
                }
                if text.count > widths[c] { text = String(text.prefix(widths[c] - 1)) + ellipsis }
                let numeric = table.columns[c].largerIsBetter != nil
                let padded = numeric ? text.leftPadded(widths[c]) : text.rightPadded(widths[c])
                // The best value of a column stands out: which run wins on what, at a glance.
                g.text(padded, x: x, y: y, style: highlight(c) ? t.style(.ok, [.bold]) : style, maxWidth: max(0, r.maxX - x))
                x += widths[c]
            }
        }
        line(titles, y: r.y, mark: "", markStyle: t.style(.graphText), style: t.style(.graphText, [.bold]))
        let room = r.height - 1 - footer
        let focusedRow = table.rows.firstIndex { $0.slot == s.focusedRun } ?? 0
        let first = max(0, min(focusedRow - room / 2, table.rows.count - room))
        for (i, row) in table.rows.enumerated().dropFirst(first).prefix(max(0, room)) {
            let y = r.y + 1 + i - first
            let drawn = !s.hiddenRuns.contains(row.slot), focused = row.slot == s.focusedRun
            let mark = (focused ? (s.ascii ? ">" : "▶") : " ") + (drawn ? (runsNeedLetters(s) ? runTag(row.slot) + " " : (s.ascii ? "- " : "━ ")) : "  ")
            let color = drawn ? runColor(s, row.slot) : t[.inactiveFg]
            let style = drawn ? Style(fg: t[.mainFg], bg: t[.mainBg], attributes: focused ? [.bold] : [])
                              : t.style(.inactiveFg, focused ? [.bold] : [])
            line(row.cells, y: y, mark: mark, markStyle: Style(fg: color, bg: t[.mainBg], attributes: [.bold]), style: style,
                 highlight: { table.isBest(row, $0, best: best) })
        }
        guard footer == 1 else { return }
        let drawnCount = s.runCount - s.hiddenRuns.count, hidden = s.hiddenRuns.count
        let cut = table.columns.count - shown.count
        let counts = "\(drawnCount) of \(s.runCount) drawn" + (hidden > 0 ? "\(dot(s.ascii))\(hidden) hidden" : "")
            + (cut > 0 ? "\(dot(s.ascii))\(cut) column\(cut == 1 ? "" : "s") not shown" + (s.zoomed ? "" : " (z)") : "")
        let keys = "[ ] focus  v show/hide  o sort"
        fitted(&g, Rect(x: r.x, y: r.maxY - 1, width: r.width, height: 1), t.style(.graphText),
               [counts + "  " + keys, counts + "  [ ] v o", counts, "\(drawnCount)/\(s.runCount) drawn"])
    }
}
