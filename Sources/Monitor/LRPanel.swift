import Runs
import TerminalUI

extension Panel { public static let lr = Panel("lr") }

/// The learning rate over the run, with the schedule's planned future dimmed.
struct LRPanel: PanelView {
    let meta = PanelMeta(.lr, "learning rate", short: "lr", .scheduleRight, logScale: true)

    func hasData(_ run: RunView) -> Bool { run.logs(.lr) }
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState) { Screen.lrChart(&g, r, s) }
}

extension Screen {
    static func lrChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        if s.comparing {
            comparisonSeriesChart(&g, r, s, label: "lr \(run.current[.lr].map(fmt) ?? "–")", logY: s.logScale.contains(.lr)) { ($0.steps, $0.lr) }
            return
        }
        var series = ghostLines(s, color: t[.lr]) { $0[.lr] }
            + [ChartSeries(xs: run.steps, ys: run.lr, color: t[.lr])]
        let step = run.lastStep?.step ?? 0
        if run.end == nil, var f = future(s.plan?.lr, from: step, now: run.current[.lr], planned: run.plannedSteps) {
            f.color = t[.lr]; series.append(f)
        }
        g.text("lr \(run.current[.lr].map(fmt) ?? "–")", x: r.x, y: r.y, style: t.style(.lr), maxWidth: r.width)
        decorated(LineChart(series: series, xRange: xRange(s), logY: s.logScale.contains(.lr), markers: markers(s), ascii: s.ascii), s)
            .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
    }
}
