import Runs
import TerminalUI

extension Panel { public static let grads = Panel("grads") }

/// The gradient norm before and after clipping, the clipping threshold, and the latest norm per layer.
struct GradsPanel: PanelView {
    let meta = PanelMeta(.grads, "gradient norm", short: "grad norm", .bottom, logScale: true, smooths: true)

    func hasData(_ run: RunView) -> Bool { run.logs(.gradNorm) }
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState) { Screen.gradPanel(&g, r, s) }
}

extension Screen {
    static func gradPanel(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        // The per-layer bars take a third, at most 44 columns: on a wide terminal the chart keeps the rest.
        let bars = min(44, Int(Double(r.width) * 0.32))
        let parts = r.width >= 50 ? [Rect(x: r.x, y: r.y, width: r.width - bars, height: r.height),
                                     Rect(x: r.maxX - bars, y: r.y, width: bars, height: r.height)] : [r]
        let chartArea = parts[0]
        if s.comparing {
            comparisonSeriesChart(&g, chartArea, s, label: "before clip" + (run.lastStep.map { " \(fmt(Double($0.gradNorm)))" } ?? ""),
                                  logY: s.logScale.contains(.grads), ignoreOutliers: true) { ($0.steps, s.smoothing ? $0.smoothed.grad : $0.gradNorm) }
            if parts.count > 1 { layerBars(&g, parts[1], s) }
            return
        }
        var x = chartArea.x
        // Clipping never on in this run: one norm, no "after" line or threshold to speak of.
        let clipped = run.clipNorm != nil || run.changes.contains { $0.parameter == .clipNorm } || (run.header?.config.clip.maxNorm ?? 0) > 0
        x += legend(&g, Rect(x: x, y: chartArea.y, width: chartArea.maxX - x, height: 1), s,
                    clipped ? [("before clip", .grad, "B"), ("after", .gradClipped, "A"), ("threshold", .clip, "-")] : [("norm (clipping off)", .grad, "B")])
        let refs: [(y: Double, color: Color)] = run.clipNorm.map { [($0, t[.clip])] } ?? []
        // The abandoned branches in the neutral graph colour: never the live line's own.
        var lines = ghostLines(s, color: t[.graphText]) { s.smoothing ? $0.smoothed.grad : $0[.gradNorm] }
            + [ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.grad : run.gradNorm, color: t[.grad], tag: "B")]
        if clipped { lines.append(ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.clipped : run.gradClipped, color: t[.gradClipped], tag: "A")) }
        decorated(LineChart(series: lines, logY: s.logScale.contains(.grads), markers: markers(s), references: refs, ascii: s.ascii), s, ignoreOutliers: true)
            .render(into: &g, Rect(x: chartArea.x, y: chartArea.y + 1, width: chartArea.width, height: chartArea.height - 1), theme: t)
        if parts.count > 1 { layerBars(&g, parts[1], s) }
    }

    /// The latest gradient norm per layer.
    static func layerBars(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme
        guard let m = s.run.lastStep else { return }
        let names = s.run.header?.layers ?? m.layerGradNorms.indices.map { "l\($0)" }
        let items = zip(names, m.layerGradNorms).map { Bars.Item(label: $0, value: Double($1)) }
        g.text("per layer", x: r.x + 1, y: r.y, style: t.style(.graphText))
        Bars(items: items, ascii: s.ascii).render(into: &g, Rect(x: r.x + 1, y: r.y + 1, width: r.width - 1, height: r.height - 1), theme: t)
    }
}
