import Runs
import TerminalUI

extension Screen {
    /// A legend line: each series' mark in its colour (its letter when the terminal has no colour), then its name.
    /// Returns the columns used.
    @discardableResult
    static func legend(_ g: inout Grid, _ r: Rect, _ s: AppState, _ items: [(name: String, key: ThemeRole, tag: String)]) -> Int {
        var x = r.x
        // An item is drawn whole or not at all: a value is never cut ("D(prior) 0" for 0.4008).
        for item in items where x + 2 + item.name.columns(ascii: s.ascii) <= r.maxX {
            let mark = s.lettersForLines ? item.tag + " " : (s.ascii ? "- " : "━ ")
            x += g.text(mark, x: x, y: r.y, style: s.theme.style(item.key, [.bold]), maxWidth: max(0, r.maxX - x))
            x += g.text(item.name + "  ", x: x, y: r.y, style: s.theme.style(.graphText), maxWidth: max(0, r.maxX - x))
        }
        return x - r.x
    }

    /// x positions of keyboard changes.
    static func markers(_ s: AppState) -> [Double] { s.run.changes.map { Double($0.step) + 0.5 } }


    static func lossChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        if run.isGAN {
            // VAE-GAN: the three networks' objectives.
            legend(&g, r, s, [("encoder", .loss, "E"), ("decoder", .recon, "G"), ("discriminator", .kl, "D")])
            decorated(LineChart(series: ghostLines(s, color: t[.loss]) { $0[.ganEncoder] } + [
                               ChartSeries(xs: run.steps, ys: run.ganEncoder, color: t[.loss], tag: "E"),
                               ChartSeries(xs: run.steps, ys: run.ganDecoder, color: t[.recon], tag: "G"),
                               ChartSeries(xs: run.steps, ys: run.ganDiscriminator, color: t[.kl], tag: "D")],
                      logY: s.logScale.contains(.loss), markers: markers(s), ascii: s.ascii), s)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        let legendRows = r.height > 4 ? 1 : 0
        if legendRows == 1 && !s.compared.isEmpty {
            comparisonLegend(&g, r, s, focusedColor: t[.loss])
        } else if legendRows == 1 {
            let x = r.x + legend(&g, r, s, [("total", .loss, "T"), ("recon", .recon, "R"), ("KL", .kl, "K"), ("test ELBO", .test, "E")])
            if let e = run.lastEval {
                let label = "test \(fmt(e.loss))"
                if r.maxX - x >= label.count { g.text(label, x: r.maxX - label.count, y: r.y, style: t.style(.test)) }
            }
        }
        let ghosts = ghostLines(s, color: t[.loss]) { s.smoothing ? $0.smoothed.loss : $0[.loss] }
            + ghostLines(s, color: t[.kl]) { s.smoothing ? $0.smoothed.kl : $0[.kl] }
            + comparedLines(s) { s.smoothing ? $0.smoothed.loss : $0.loss }
        let chart = decorated(LineChart(series: ghosts + [
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.loss : run.loss, color: t[.loss], tag: "T"),
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.recon : run.recon, color: t[.recon], tag: "R"),
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.kl : run.kl, color: t[.kl], tag: "K"),
            ChartSeries(xs: run.evalSteps, ys: run.evalLoss, color: t[.test], kind: .points, tag: "E"),
        ], logY: s.logScale.contains(.loss), markers: markers(s), ascii: s.ascii), s)
        chart.render(into: &g, Rect(x: r.x, y: r.y + legendRows, width: r.width, height: r.height - legendRows), theme: t)
    }

    /// The planned future of a schedule after the last step, scaled to meet the value in force now.
    static func future(_ plan: [Double]?, from step: Int, now: Double?, planned: Int) -> ChartSeries? {
        guard let plan, !plan.isEmpty, step < min(planned, plan.count) else { return nil }
        let base = step > 0 && step - 1 < plan.count ? plan[step - 1] : plan[0]
        let scale = (now != nil && base > 0) ? now! / base : 1
        let xs = (step..<min(planned, plan.count)).map { Double($0 + 1) }
        let ys = (step..<min(planned, plan.count)).map { plan[$0] * scale }
        return ChartSeries(xs: [Double(max(step, 1))] + xs, ys: [now ?? ys.first ?? 0] + ys, color: .terminalDefault, dimmed: true)
    }

    /// The steps the time charts show when zoomed in time (`+`, the wheel): the last 1/2^k of the run; nil: all.
    static func timeWindow(_ s: AppState) -> ClosedRange<Double>? {
        guard s.timeZoom > 0, let first = s.run.steps.first, let last = s.run.steps.last, last > first else { return nil }
        let span = (last - first) / Double(1 << min(s.timeZoom, 20))
        return max(first, last - max(span, 1))...last
    }

    /// The x range of the schedule charts (β, lr): the past at full width and a window of the planned future
    /// (a quarter of the chart); zoomed, or once the run has ended, the whole plan.
    static func xRange(_ s: AppState) -> ClosedRange<Double>? {
        let planned = Double(s.run.plannedSteps)
        let last = s.run.steps.last ?? 1
        guard planned > 1 else { return nil }
        let whole = 1...max(planned, last)
        if s.zoomed || s.run.end != nil || last >= planned { return whole }
        let window = max(last / 3, planned / 20, 10)
        return 1...min(planned, last + window)
    }

    static func betaChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        if run.isGAN {
            // VAE-GAN: what the discriminator says about real, reconstructed and prior-sampled images.
            // The legend in the series' own colours, with their latest values.
            legend(&g, r, s, [("D(x) \(run.dReal.last.map(fmt) ?? "–")", .ok, "x"), ("D(G(z)) \(run.dFake.last.map(fmt) ?? "–")", .alert, "G"),
                              ("D(prior) \(run.dPrior.last.map(fmt) ?? "–")", .beta, "p")])
            decorated(LineChart(series: [ChartSeries(xs: run.steps, ys: run.dReal, color: t[.ok], tag: "x"),
                               ChartSeries(xs: run.steps, ys: run.dFake, color: t[.alert], tag: "G"),
                               ChartSeries(xs: run.steps, ys: run.dPrior, color: t[.beta], tag: "p")],
                      xRange: xRange(s), markers: markers(s), ascii: s.ascii), s)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        if run.capacity.contains(where: { $0.isFinite }) {
            // Capacity annealing: the chart shows the target capacity C against the KL it pulls along.
            let c = run.capacity.last(where: { $0.isFinite }) ?? .nan
            g.text("C \(fmt(c)) nats  KL \(run.kl.last.map(fmt) ?? "–")  γ \(run.current[.beta].map(fmt) ?? "–")", x: r.x, y: r.y,
                   style: t.style(.beta), maxWidth: r.width)
            decorated(LineChart(series: ghostLines(s, color: t[.beta]) { $0[.capacity] } + [
                               ChartSeries(xs: run.steps, ys: run.capacity, color: t[.beta], tag: "C"),
                               ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.kl : run.kl, color: t[.kl], tag: "K")],
                      xRange: xRange(s), markers: markers(s), ascii: s.ascii), s)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        var series = ghostLines(s, color: t[.beta]) { $0[.beta] } + comparedLines(s) { $0.beta }
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
        let cycled = run.momentum.contains { $0.isFinite }
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

    static func lrChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        var series = ghostLines(s, color: t[.lr]) { $0[.lr] } + comparedLines(s) { $0.lr }
            + [ChartSeries(xs: run.steps, ys: run.lr, color: t[.lr])]
        let step = run.lastStep?.step ?? 0
        if run.end == nil, var f = future(s.plan?.lr, from: step, now: run.current[.lr], planned: run.plannedSteps) {
            f.color = t[.lr]; series.append(f)
        }
        g.text("lr \(run.current[.lr].map(fmt) ?? "–")", x: r.x, y: r.y, style: t.style(.lr), maxWidth: r.width)
        decorated(LineChart(series: series, xRange: xRange(s), logY: s.logScale.contains(.lr), markers: markers(s), ascii: s.ascii), s)
            .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
    }

    static func gradPanel(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        let parts = r.width >= 50 ? r.columns([0.68, 0.32]) : [r]
        let chartArea = parts[0]
        var x = chartArea.x
        x += legend(&g, Rect(x: x, y: chartArea.y, width: chartArea.maxX - x, height: 1), s,
                    [("before clip", .grad, "B"), ("after", .gradClipped, "A"), ("threshold", .clip, "-")])
        let refs: [(y: Double, color: Color)] = run.clipNorm.map { [($0, t[.clip])] } ?? []
        decorated(LineChart(series: ghostLines(s, color: t[.grad]) { s.smoothing ? $0.smoothed.grad : $0[.gradNorm] }
            + comparedLines(s) { s.smoothing ? $0.smoothed.grad : $0.gradNorm } + [
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.grad : run.gradNorm, color: t[.grad], tag: "B"),
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.clipped : run.gradClipped, color: t[.gradClipped], tag: "A"),
        ], logY: s.logScale.contains(.grads), markers: markers(s), references: refs, ascii: s.ascii), s)
            .render(into: &g, Rect(x: chartArea.x, y: chartArea.y + 1, width: chartArea.width, height: chartArea.height - 1), theme: t)
        if parts.count > 1, let m = run.lastStep {
            let names = run.header?.layers ?? m.layerGradNorms.indices.map { "l\($0)" }
            let items = zip(names, m.layerGradNorms).map { Bars.Item(label: $0, value: Double($1)) }
            g.text("per layer", x: parts[1].x + 1, y: parts[1].y, style: t.style(.graphText))
            Bars(items: items, ascii: s.ascii).render(into: &g, Rect(x: parts[1].x + 1, y: parts[1].y + 1, width: parts[1].width - 1, height: parts[1].height - 1), theme: t)
        }
    }
}
