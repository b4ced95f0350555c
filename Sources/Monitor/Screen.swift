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
        statusLine(&g, s)
        let body = Rect(x: 0, y: 1, width: s.width, height: s.height - 2)
        if s.mode == .rangeTest {
            rangeTestView(&g, body, s)
            hintLine(&g, s)
            if s.showHelp { help(&g, s) }
            return g
        }
        if s.zoomed {
            panel(s.focus, &g, body, s)
        } else {
            for (p, r) in layout(body) { panel(p, &g, r, s) }
        }
        hintLine(&g, s)
        if s.showHelp { help(&g, s) }
        return g
    }

    /// Where each panel goes in the body.
    public static func layout(_ body: Rect) -> [(Panel, Rect)] {
        let cols = body.columns([0.58, 0.42])
        let left = cols[0].rows([0.42, 0.30, 0.28]), right = cols[1].rows([0.42, 0.30, 0.28])
        let schedules = left[1].columns([0.5, 0.5])
        let bottom = right[2].columns([0.48, 0.52])
        return [(.loss, left[0]), (.beta, schedules[0]), (.lr, schedules[1]), (.grads, left[2]),
                (.kl, right[0]), (.images, right[1]), (.knobs, bottom[0]), (.log, bottom[1])]
    }

    /// Whether the run has logged anything a panel shows (other programs' runs may not log everything).
    static func hasData(_ p: Panel, _ run: RunView) -> Bool {
        switch p {
        case .loss: return run.loss.contains { $0.isFinite } || run.recon.contains { $0.isFinite } || !run.evalLoss.isEmpty
        case .beta: return run.beta.contains { $0.isFinite }
        case .lr: return run.lr.contains { $0.isFinite }
        case .kl: return run.klDims.contains { !$0.isEmpty }
        case .grads: return run.gradNorm.contains { $0.isFinite }
        case .images: return run.images != nil || !run.loggedImages.isEmpty || (run.header?.logs("images") ?? true)
        case .knobs, .log: return true
        }
    }

    /// The KL panel's badge: active units with their criterion and the mutual information, shortened to fit.
    static func klBadge(_ e: EvalMetrics, room: Int) -> String {
        let au = "AU \(e.activeUnits)/\(e.klDims.count)"
        let mi = e.mutualInformation.map { " · MI \(fmt($0))" } ?? ""
        let shortMI = e.mutualInformation.map { " · MI \(String(format: "%.2g", $0))" } ?? ""
        let candidates = [au + " (var μ>0.01)" + mi + (mi.isEmpty ? "" : " nats"), au + " (var μ>0.01)" + mi, au + mi, au + shortMI, au]
        return candidates.firstFitting(room, ascii: false) ?? au
    }

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
        var badge = ""
        if p.hasLogScale && s.logScale.contains(p) { badge = "log" }
        if [.loss, .grads].contains(p) && s.smoothing { badge += badge.isEmpty ? "smoothed" : " · smoothed" }
        // The KL panel's log state is under its bars; its badge is for active units and the mutual information.
        if p == .kl, let e = s.run.lastEval, s.run.header?.logs("eval.activeUnits") ?? true {
            badge = klBadge(e, room: r.width - "\(p.rawValue + 1) \(p.title)".count - 7)
        }
        if p == .loss, let b = branchBadge(s.run, ascii: s.ascii) { badge = b + (badge.isEmpty ? "" : " · \(badge)") }
        if p == .log { badge = logBadge(s) }
        if s.zoomed && s.focus == p { badge = (badge.isEmpty ? "" : badge + " · ") + "z or esc: back" }
        let logged = hasData(p, s.run)
        if !logged && s.mode != .live { badge = "not logged" }
        var title = p.title
        if p == .knobs && !s.compared.isEmpty { title = "runs" }
        if p == .beta && s.run.isGAN { title = "discriminator outputs" }
        if p == .beta && s.run.capacity.contains(where: { $0.isFinite }) { title = "capacity C and KL" }
        if p == .loss && s.run.isGAN { title = "losses: encoder, decoder, discriminator" }
        // A title that does not fit its panel is shortened, not cut ("7 hyperparame").
        if "\(p.rawValue + 1) \(title)".columns(ascii: s.ascii) + 4 > r.width { title = p.shortTitle }
        let box = Box(title: "\(p.rawValue + 1) \(title)", focused: s.focus == p, ascii: s.ascii, badge: badge)
        let inner = box.render(into: &g, r, theme: s.theme)
        guard !inner.isEmpty else { return }
        if !logged && s.mode != .live && s.run.header != nil {
            // Another program's run that does not log this: say so, greyed out, instead of an empty chart.
            g.restyle(r) { $0.fg = s.theme[.inactiveFg] }
            let msg = "this run does not log \(p.title)"
            g.text(msg, x: inner.x + max(0, (inner.width - msg.count) / 2), y: inner.y + inner.height / 2,
                   style: s.theme.style(.inactiveFg), maxWidth: inner.width)
            return
        }
        switch p {
        case .loss: lossChart(&g, inner, s)
        case .beta: betaChart(&g, inner, s)
        case .lr: lrChart(&g, inner, s)
        case .kl: klPanel(&g, inner, s)
        case .grads: gradPanel(&g, inner, s)
        case .images: imagesPanel(&g, inner, s)
        case .knobs: if s.compared.isEmpty { knobsPanel(&g, inner, s) } else { runList(&g, inner, s) }
        case .log: logPanel(&g, inner, s)
        }
    }
}
