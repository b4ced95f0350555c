import Runs
import TerminalUI

extension Panel { public static let beta = Panel("beta") }

/// β, the KL weight, over the run with its planned future; capacity annealing's C against the KL; a VAE-GAN's
/// discriminator outputs instead.
struct BetaPanel: PanelView {
    let meta = PanelMeta(.beta, "β (KL weight)", short: "β", .scheduleLeft, logScale: true)

    func title(_ s: AppState) -> String {
        if s.comparing { return title }
        if s.run.isGAN { return "discriminator outputs" }
        return s.run.logs(.capacity) ? "capacity C and KL" : title
    }
    func hasData(_ run: RunView) -> Bool { run.logs(.beta) }
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState) { Screen.betaChart(&g, r, s) }
}

extension Screen {
    static func betaChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        if s.comparing {
            // Each run's β (under capacity annealing, its γ).
            comparisonSeriesChart(&g, r, s, label: "β \(run.current[.beta].map(fmt) ?? "–")", logY: s.logScale.contains(.beta)) { ($0.steps, $0.beta) }
            return
        }
        if run.isGAN {
            // VAE-GAN: what the discriminator says about real, reconstructed and prior-sampled images.
            // The legend in the series' own colours, with their latest values.
            // Narrow: each output by its line's letter with two decimals, so D(prior) never drops off.
            let values = [run.dReal.last, run.dFake.last, run.dPrior.last]
            legend(&g, r, s, [("D(x) \(values[0].map(fmt) ?? "–")", .ok, "x"), ("D(G(z)) \(values[1].map(fmt) ?? "–")", .alert, "G"),
                              ("D(prior) \(values[2].map(fmt) ?? "–")", .beta, "p")],
                   short: zip(["x", "G", "p"], values).map { "\($0) \($1.map { String(format: "%.2f", $0) } ?? "–")" })
            decorated(LineChart(series: [ChartSeries(xs: run.steps, ys: run.dReal, color: t[.ok], tag: "x"),
                               ChartSeries(xs: run.steps, ys: run.dFake, color: t[.alert], tag: "G"),
                               ChartSeries(xs: run.steps, ys: run.dPrior, color: t[.beta], tag: "p")],
                      xRange: xRange(s), markers: markers(s), ascii: s.ascii), s)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        if run.logs(.capacity) {
            // Capacity annealing: the chart shows the target capacity C against the KL it pulls along.
            // The legend in each line's colour; C drawn over the KL that follows it (else the KL hides it).
            let c = run.capacity.last(where: { $0.isFinite }) ?? .nan
            let x = r.x + legend(&g, r, s, [("C \(fmt(c)) nats", .beta, "C"), ("KL \(run.kl.last.map(fmt) ?? "–")", .kl, "K")],
                                 short: ["C \(fmt(c))", "KL \(run.kl.last.map(fmt) ?? "–")"])
            let gamma = "γ \(run.current[.beta].map(fmt) ?? "–")"
            if r.maxX - x >= gamma.count { g.text(gamma, x: x, y: r.y, style: t.style(.graphText)) }
            decorated(LineChart(series: ghostLines(s, color: t[.beta]) { $0[.capacity] } + [
                               ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.kl : run.kl, color: t[.kl], tag: "K"),
                               ChartSeries(xs: run.steps, ys: run.capacity, color: t[.beta], tag: "C")],
                      xRange: xRange(s), markers: markers(s), ascii: s.ascii), s)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        var series = ghostLines(s, color: t[.beta]) { $0[.beta] }
            + [ChartSeries(xs: run.steps, ys: run.beta, color: t[.beta])]
        let step = run.lastStep?.step ?? 0
        let overridden = run.changes.last(where: { $0.parameter == .beta }).map { $0.new != nil } ?? false
        if run.end == nil {
            if overridden, let b = run.current[.beta] {
                series.append(ChartSeries(xs: [Double(max(step, 1)), Double(max(run.plannedSteps, step + 1))], ys: [b, b], color: t[.beta], dimmed: true))
            } else if var f = future(s.plan?.beta, from: step, now: nil, planned: run.plannedSteps) {
                let target = run.current[.betaTarget] ?? run.header?.config.betaSchedule.target ?? 1
                let configured = run.header?.config.betaSchedule.target ?? 1
                if configured > 0 { f.ys = f.ys.map { $0 * target / configured } }
                if let now = run.current[.beta], !f.ys.isEmpty { f.ys[0] = now }
                f.color = t[.beta]; series.append(f)
            }
        }
        let cycled = run.logs(.momentum)
        if cycled {
            series.append(ChartSeries(xs: run.steps, ys: run.momentum, color: t[.momentum]))
            if run.end == nil, var f = future(s.plan?.momentum, from: step, now: nil, planned: run.plannedSteps) {
                f.color = t[.momentum]; series.append(f)
            }
        }
        var legend = "β \(run.current[.beta].map(fmt) ?? "–")"
        if cycled, let m = run.lastStep?.momentum { legend += "  β1/momentum \(fmt(m))" }
        g.text(legend, x: r.x, y: r.y, style: t.style(.beta), maxWidth: r.width)
        decorated(LineChart(series: series, xRange: xRange(s), logY: s.logScale.contains(.beta), markers: markers(s), ascii: s.ascii), s)
            .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
    }
}
