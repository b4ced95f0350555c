import Runs
import TerminalUI

/// Renders the whole state into a grid: status line, panels, key hints, overlays.
public enum Screen {
    /// Below this size the screen says so instead of drawing panels.
    public static let minimumWidth = 60
    public static let minimumHeight = 18

    public static func render(_ s: AppState) -> Grid {
        var g = Grid(width: s.width, height: s.height, fill: Cell(" ", s.theme.style(.mainFg)))
        g.ascii = s.ascii
        guard s.width >= minimumWidth, s.height >= minimumHeight else {
            tooSmall(&g, s)
            return g
        }
        // Comparing, the focused run leads the status line and fills the panels (the first run's clock still sets how
        // far the others are drawn).
        let f = s.focusedState
        statusLine(&g, f)
        let body = Rect(x: 0, y: 1, width: s.width, height: s.height - 2)
        if s.mode == .rangeTest {
            rangeTestView(&g, body, s)
            hintLine(&g, s)
            if s.showHelp { help(&g, s) }
            return g
        }
        if s.zoomed {
            panel(s.focus, &g, body, f)
        } else {
            for (p, r) in layout(body, focus: s.focus, comparing: s.comparing) { panel(p, &g, r, f) }
        }
        hintLine(&g, s)
        if s.showHelp { help(&g, s) }
        return g
    }

    /// Where each panel goes in the body: each registered panel in its slot; of panels sharing a slot, the focused
    /// one (else the first registered). Comparing runs, the run table (in the hyperparameters' place) takes the
    /// events' slot as well: the events show there while focused.
    public static func layout(_ body: Rect, focus: Panel? = nil, comparing: Bool = false) -> [(Panel, Rect)] {
        var rects = PanelSlot.rects(body)
        func place(_ slot: PanelSlot) -> PanelSlot { comparing && slot == .sideBottomRight ? .sideBottomLeft : slot }
        if comparing, let a = rects[.sideBottomLeft], let b = rects[.sideBottomRight] {
            rects[.sideBottomLeft] = Rect(x: a.x, y: a.y, width: b.maxX - a.x, height: a.height)
        }
        var shown: [PanelSlot: Panel] = [:]
        for v in Panel.registry where shown[place(v.slot)] == nil || v.id == focus { shown[place(v.slot)] = v.id }
        return Panel.registry.compactMap { v in shown[place(v.slot)] == v.id ? rects[place(v.slot)].map { (v.id, $0) } : nil }
    }

    /// Whether the run has logged anything a panel shows (other programs' runs may not log everything).
    static func hasData(_ p: Panel, _ run: RunView) -> Bool { p.view.hasData(run) }

    static func tooSmall(_ g: inout Grid, _ s: AppState) {
        // Each line in full when it fits, else shorter (never a cut word).
        let full = ["terminal too small: \(s.width)×\(s.height)", "vaetop needs \(minimumWidth)×\(minimumHeight)",
                    "enlarge the window, or q to quit"]
        let short = ["\(s.width)×\(s.height): too small", "needs \(minimumWidth)×\(minimumHeight)", "enlarge, or q"]
        let tiny = ["too small", "\(minimumWidth)×\(minimumHeight)", "q quits"]
        let msg = (0..<3).map { i in [full[i], short[i], tiny[i]].firstFitting(s.width, ascii: s.ascii) ?? tiny[i] }
        for (i, line) in msg.enumerated() {
            let y = s.height / 2 - 1 + i
            let x = max(0, (s.width - line.count) / 2)
            g.text(line, x: x, y: y, style: s.theme.style(i == 0 ? .warn : .mainFg))
        }
    }

    static func panel(_ p: Panel, _ g: inout Grid, _ r: Rect, _ s: AppState) {
        let view = p.view
        var badge = ""
        if view.hasLogScale && s.logScale.contains(p) { badge = "log" }
        if view.smooths && s.smoothing { badge += badge.isEmpty ? "smoothed" : " · smoothed" }
        badge = view.badge(s, generic: badge, room: r.width - "\(p.number) \(p.title)".count - 7)
        if s.zoomed && s.focus == p { badge = (badge.isEmpty ? "" : badge + " · ") + "z or esc: back" }
        let logged = view.hasData(s.run)
        if !logged && s.mode != .live { badge = "not logged" }
        var title = view.title(s)
        // A title that does not fit its panel is shortened, not cut ("7 hyperparame").
        if "\(p.number) \(title)".columns(ascii: s.ascii) + 4 > r.width, let head = title.components(separatedBy: " · ").first, head != title {
            title = head   // "runs · test loss: lower is better" → "runs"
        }
        if "\(p.number) \(title)".columns(ascii: s.ascii) + 4 > r.width { title = view.shortTitle }
        let box = Box(title: "\(p.number) \(title)", focused: s.focus == p, ascii: s.ascii, badge: badge)
        let inner = box.render(into: &g, r, theme: s.theme)
        guard !inner.isEmpty else { return }
        if !logged && s.mode != .live && s.run.header != nil {
            // Another program's run that does not log this: say so, greyed out, instead of an empty chart.
            g.restyle(r) { $0.fg = s.theme[.inactiveFg] }
            let msg = "this run does not log \(view.title)"
            g.text(msg, x: inner.x + max(0, (inner.width - msg.count) / 2), y: inner.y + inner.height / 2,
                   style: s.theme.style(.inactiveFg), maxWidth: inner.width)
            return
        }
        view.render(&g, inner, s)
    }
}
