import Foundation
import Runs
import TerminalUI

extension Panel { public static let log = Panel("log") }

/// The event log: changes, evaluations, alerts and answers, newest last; filtered with `/`, scrolled with ↑↓.
struct LogPanel: PanelView {
    let meta = PanelMeta(.log, "events", short: "events", .sideBottomRight)
    /// Comparing, whose events these are (the focused run's).
    func title(_ s: AppState) -> String { s.comparing ? "events of \(s.runName)" : title }

    func badge(_ s: AppState, generic: String, room: Int) -> String { Screen.logBadge(s) }
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState) { Screen.logPanel(&g, r, s) }

    /// Its keys share one help line.
    static let helpKeys = "\(Panel.log.number): ↑↓ pgup /", help = "events focused: scroll; / filters them (esc clears)"
    // Computed, not stored: the help line names panel numbers, which come from the registry these views are in.
    var keys: [KeyBinding] {
        [
            KeyBinding([.up, .down, .pageUp, .pageDown], .scrollLog, .focused(.log), help: LogPanel.helpKeys, LogPanel.help),
            KeyBinding([.char("/")], .filterLog, .everywhere, help: LogPanel.helpKeys, LogPanel.help),
        ]
    }

    func reduce(_ s: inout AppState, _ action: KeyBinding.Action, _ k: Key) -> [Effect]? {
        switch action {
        case .scrollLog:
            let page = max(1, s.logPageHeight - 1)
            switch k {
            case .up: s.logScroll += 1
            case .down: s.logScroll -= 1
            case .pageUp: s.logScroll += page
            default: s.logScroll -= page
            }
            s.logScroll = max(0, min(s.logScroll, max(0, s.run.log.count - 1)))
        case .filterLog:
            // A new filter, as `/` starts a new search in less or vim (it once appended to the last one).
            s.focus = .log
            s.filterInput = ""
            s.logFilter = ""
            s.logScroll = 0
        default: return nil
        }
        return []
    }
}

extension Screen {
    /// The event lines the log panel shows: all of them, or those matching the `/` filter (case-insensitive).
    static func logLines(_ s: AppState) -> [RunView.LogLine] {
        guard !s.logFilter.isEmpty else { return s.run.log }
        return s.run.log.filter { $0.text.localizedCaseInsensitiveContains(s.logFilter) || String($0.step) == s.logFilter }
    }

    static func logPanel(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let shown = logLines(s)
        if shown.isEmpty && !s.logFilter.isEmpty {
            g.text("no event matches '\(s.logFilter)' (esc clears)", x: r.x, y: r.y, style: s.theme.style(.inactiveFg), maxWidth: r.width)
            return
        }
        let lines = shown.map { (prefix: String($0.step), text: $0.text, color: $0.color) }
        var area = r
        let badge = logBadge(s)
        if !badge.isEmpty && "\(Panel.log.number) \(Panel.log.title)".count + badge.count + 8 > r.width + 2 && r.height > 2 {
            // Too narrow for the title's badge: the filter and scroll position on the panel's first line.
            g.text(badge, x: r.x, y: r.y, style: s.theme.style(.hiFg), maxWidth: r.width)
            area = Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1)
        }
        LogView(lines: lines, scroll: min(s.logScroll, max(0, lines.count - 1))).render(into: &g, area, theme: s.theme)
    }

    /// The events panel's badge: the filter, and how far it is scrolled back.
    static func logBadge(_ s: AppState) -> String {
        var parts: [String] = []
        if !s.logFilter.isEmpty { parts.append("/\(s.logFilter) \(logLines(s).count)/\(s.run.log.count)") }
        if s.logScroll > 0 { parts.append("\(s.ascii ? "v" : "↓") \(s.logScroll) newer") }
        return parts.joined(separator: " · ")
    }
}
