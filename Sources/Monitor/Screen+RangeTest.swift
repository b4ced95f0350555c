import Foundation
import Runs
import TerminalUI

extension Screen {
    /// Where the test is: running, finished, or stopped by a diverging loss, and the steps done.
    static func rangeTestBadge(_ rt: RangeTestRecord) -> String {
        let state = rt.finished ? (rt.diverged ? "finished (loss diverged)" : "finished") : "running"
        return "\(state) · \(rt.lrs.count)/\(rt.steps)"
    }

    /// The hint line's words for o and y: the bounds each would train between, once the test has them.
    /// Other keys keep their word.
    static func rangeTestHint(_ rt: RangeTestRecord?, word: String, key: String) -> String {
        let train = [("o", "one-cycle"), ("y", "cyclic")].first { $0.0 == key }?.1
        guard let train, let rt, rt.finished, let lo = rt.cyclicBase, let hi = rt.cyclicMax else { return word }
        return "\(train) \(String(format: "%.1e", lo))…\(String(format: "%.1e", hi))"
    }

    /// The LR range test: loss against lr on a log axis, live, with the suggestions marked once it ends.
    static func rangeTestView(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme
        let parts = r.columns([0.72, 0.28])
        let inner = Box(title: "LR range test: loss vs learning rate (log axis)", focused: true, ascii: s.ascii,
                        badge: s.run.rangeTest.map(rangeTestBadge) ?? "").render(into: &g, parts[0], theme: t)
        guard let rt = s.run.rangeTest, !rt.lrs.isEmpty, !inner.isEmpty else {
            g.text("starting…", x: inner.x + 1, y: inner.y, style: t.style(.graphText))
            return
        }
        let xs = rt.lrs.map { log10($0) }
        // Each suggestion in a colour of its own, the same in the chart and in the list beside it.
        let suggestions: [(Double?, ThemeRole)] = [(rt.steepest, .ok), (rt.valley, .recon), (rt.minimumOverTen, .kl), (rt.cyclicBase, .beta), (rt.cyclicMax, .beta)]
        let marks = suggestions.compactMap { $0.0.map(log10) }
        var chart = LineChart(series: [ChartSeries(xs: xs, ys: rt.losses, color: t[.recon], dimmed: true),
                                       ChartSeries(xs: xs, ys: rt.smoothed, color: t[.loss])],
                              xRange: log10(rt.start)...log10(rt.end), logY: s.logScale.contains(.loss), markers: marks, ascii: s.ascii)
        chart.xLabel = { String(format: "%.0e", pow(10, $0)) }
        chart.markerColors = suggestions.filter { $0.0 != nil }.map { t[$0.1] }
        g.text((s.ascii ? "- " : "━ ") + "smoothed   " + (s.ascii ? "- " : "━ ") + "raw   " + (s.ascii ? ": " : "┊ ") + "suggestions",
               x: inner.x, y: inner.y, style: t.style(.graphText), maxWidth: inner.width)
        chart.render(into: &g, Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1), theme: t)
        let side = Box(title: "suggestions", ascii: s.ascii).render(into: &g, parts[1], theme: t)
        func f(_ v: Double?) -> String { v.map { String(format: "%.2e", $0) } ?? (rt.finished ? "n/a" : "…") }
        var lines: [(String, String, ThemeRole)] = [
            ("steepest descent", f(rt.steepest), .ok), ("valley (fastai)", f(rt.valley), .recon),
            ("minimum / 10", f(rt.minimumOverTen), .kl), ("cyclic base_lr", f(rt.cyclicBase), .beta), ("cyclic max_lr", f(rt.cyclicMax), .beta),
        ]
        if let lr = rt.lrs.last, let l = rt.smoothed.last { lines.insert(("now", "lr \(f(lr)) loss \(SeriesMath.label(l))", .graphText), at: 0) }
        for (i, (k, v, key)) in lines.enumerated() where i * 2 + 1 < side.height {
            // The suggestion's name carries its line's colour: the legend of the chart's markers.
            let mark = key == .graphText ? "  " : (s.ascii ? ": " : "┊ ")
            g.text(mark + k, x: side.x + 1, y: side.y + i * 2, style: t.style(key, [.bold]), maxWidth: side.width - 1)
            g.text(v, x: side.x + 3, y: side.y + i * 2 + 1, style: t.style(.mainFg, [.bold]), maxWidth: side.width - 3)
        }
        let status = rt.finished ? (rt.diverged ? "stopped: the loss diverged" : "done") : "running"
        if side.height > 13 { g.text(status, x: side.x + 1, y: side.maxY - 1, style: t.style(rt.finished ? .ok : .warn), maxWidth: side.width - 1) }
    }
}
