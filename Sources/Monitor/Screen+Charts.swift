import Runs
import TerminalUI

extension Screen {
    /// x positions of keyboard changes.
    static func markers(_ s: AppState) -> [Double] { s.run.changes.map { Double($0.step) + 0.5 } }


    static func lossChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        if run.isGAN {
            // VAE-GAN: the three networks' objectives.
            var x = r.x
            for (name, key) in [("encoder", "loss"), ("decoder", "recon"), ("discriminator", "kl")] {
                x += g.text(s.ascii ? "- " : "━ ", x: x, y: r.y, style: t.style(key), maxWidth: max(0, r.maxX - x))
                x += g.text(name + "  ", x: x, y: r.y, style: t.style("graph_text"), maxWidth: max(0, r.maxX - x))
            }
            decorated(LineChart(series: ghostLines(s, color: t["loss"]) { $0[.ganEncoder] } + [
                               ChartSeries(xs: run.steps, ys: run.ganEncoder, color: t["loss"]),
                               ChartSeries(xs: run.steps, ys: run.ganDecoder, color: t["recon"]),
                               ChartSeries(xs: run.steps, ys: run.ganDiscriminator, color: t["kl"])],
                      logY: s.logScale.contains(.loss), markers: markers(s), ascii: s.ascii), s)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        let legend = r.height > 4 ? 1 : 0
        if legend == 1 && !s.compared.isEmpty {
            comparisonLegend(&g, r, s, focusedColor: t["loss"])
        } else if legend == 1 {
            var x = r.x
            let dash = s.ascii ? "- " : "━ "
            for (name, key) in [("total", "loss"), ("recon", "recon"), ("KL", "kl"), ("test ELBO", "test")] {
                x += g.text(dash, x: x, y: r.y, style: t.style(key), maxWidth: r.maxX - x)
                x += g.text(name + "  ", x: x, y: r.y, style: t.style("graph_text"), maxWidth: r.maxX - x)
            }
            if let e = run.lastEval {
                let label = "test \(fmt(e.loss))"
                if r.maxX - x >= label.count { g.text(label, x: r.maxX - label.count, y: r.y, style: t.style("test")) }
            }
        }
        let ghosts = ghostLines(s, color: t["loss"]) { s.smoothing ? $0.smoothed.loss : $0[.loss] }
            + ghostLines(s, color: t["kl"]) { s.smoothing ? $0.smoothed.kl : $0[.kl] }
            + comparedLines(s) { s.smoothing ? $0.smoothed.loss : $0.loss }
        let chart = decorated(LineChart(series: ghosts + [
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.loss : run.loss, color: t["loss"]),
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.recon : run.recon, color: t["recon"]),
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.kl : run.kl, color: t["kl"]),
            ChartSeries(xs: run.evalSteps, ys: run.evalLoss, color: t["test"], kind: .points),
        ], logY: s.logScale.contains(.loss), markers: markers(s), ascii: s.ascii), s)
        chart.render(into: &g, Rect(x: r.x, y: r.y + legend, width: r.width, height: r.height - legend), theme: t)
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

    static func xRange(_ s: AppState) -> ClosedRange<Double>? {
        let planned = Double(s.run.plannedSteps)
        let last = s.run.steps.last ?? 1
        return planned > 1 ? 1...max(planned, last) : nil
    }

    static func betaChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        if run.isGAN {
            // VAE-GAN: what the discriminator says about real, reconstructed and prior-sampled images.
            g.text("D(x) \(run.dReal.last.map(fmt) ?? "–")  D(G(z)) \(run.dFake.last.map(fmt) ?? "–")  D(prior) \(run.dPrior.last.map(fmt) ?? "–")",
                   x: r.x, y: r.y, style: t.style("beta"), maxWidth: r.width)
            decorated(LineChart(series: [ChartSeries(xs: run.steps, ys: run.dReal, color: t["ok"]),
                               ChartSeries(xs: run.steps, ys: run.dFake, color: t["alert"]),
                               ChartSeries(xs: run.steps, ys: run.dPrior, color: t["beta"])],
                      xRange: xRange(s), markers: markers(s), ascii: s.ascii), s)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        if run.capacity.contains(where: { $0.isFinite }) {
            // Capacity annealing: the chart shows the target capacity C against the KL it pulls along.
            let c = run.capacity.last(where: { $0.isFinite }) ?? .nan
            g.text("C \(fmt(c)) nats  KL \(run.kl.last.map(fmt) ?? "–")  γ \(run.current[.beta].map(fmt) ?? "–")", x: r.x, y: r.y,
                   style: t.style("beta"), maxWidth: r.width)
            decorated(LineChart(series: ghostLines(s, color: t["beta"]) { $0[.capacity] } + [
                               ChartSeries(xs: run.steps, ys: run.capacity, color: t["beta"]),
                               ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.kl : run.kl, color: t["kl"])],
                      xRange: xRange(s), markers: markers(s), ascii: s.ascii), s)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        var series = ghostLines(s, color: t["beta"]) { $0[.beta] } + comparedLines(s) { $0.beta }
            + [ChartSeries(xs: run.steps, ys: run.beta, color: t["beta"])]
        let step = run.lastStep?.step ?? 0
        let overridden = run.changes.last(where: { $0.parameter == .beta }).map { $0.new != nil } ?? false
        if run.end == nil {
            if overridden, let b = run.current[.beta] {
                series.append(ChartSeries(xs: [Double(max(step, 1)), Double(max(run.plannedSteps, step + 1))], ys: [b, b], color: t["beta"], dimmed: true))
            } else if var f = future(s.plan?.beta, from: step, now: nil, planned: run.plannedSteps) {
                let target = run.current[.betaTarget] ?? run.header?.config.betaSchedule.target ?? 1
                let configured = run.header?.config.betaSchedule.target ?? 1
                if configured > 0 { f.ys = f.ys.map { $0 * target / configured } }
                if let now = run.current[.beta], !f.ys.isEmpty { f.ys[0] = now }
                f.color = t["beta"]; series.append(f)
            }
        }
        let cycled = run.momentum.contains { $0.isFinite }
        if cycled {
            series.append(ChartSeries(xs: run.steps, ys: run.momentum, color: t["momentum"]))
            if run.end == nil, var f = future(s.plan?.momentum, from: step, now: nil, planned: run.plannedSteps) {
                f.color = t["momentum"]; series.append(f)
            }
        }
        var legend = "β \(run.current[.beta].map(fmt) ?? "–")"
        if cycled, let m = run.lastStep?.momentum { legend += "  β1/momentum \(fmt(m))" }
        g.text(legend, x: r.x, y: r.y, style: t.style("beta"), maxWidth: r.width)
        decorated(LineChart(series: series, xRange: xRange(s), logY: s.logScale.contains(.beta), markers: markers(s), ascii: s.ascii), s)
            .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
    }

    static func lrChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        var series = ghostLines(s, color: t["lr"]) { $0[.lr] } + comparedLines(s) { $0.lr }
            + [ChartSeries(xs: run.steps, ys: run.lr, color: t["lr"])]
        let step = run.lastStep?.step ?? 0
        if run.end == nil, var f = future(s.plan?.lr, from: step, now: run.current[.lr], planned: run.plannedSteps) {
            f.color = t["lr"]; series.append(f)
        }
        g.text("lr \(run.current[.lr].map(fmt) ?? "–")", x: r.x, y: r.y, style: t.style("lr"), maxWidth: r.width)
        decorated(LineChart(series: series, xRange: xRange(s), logY: s.logScale.contains(.lr), markers: markers(s), ascii: s.ascii), s)
            .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
    }

    static func gradPanel(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        let parts = r.width >= 50 ? r.columns([0.68, 0.32]) : [r]
        let chartArea = parts[0]
        var x = chartArea.x
        for (name, key) in [("before clip", "grad"), ("after", "grad_clipped"), ("threshold", "clip")] {
            x += g.text(s.ascii ? "- " : "━ ", x: x, y: chartArea.y, style: t.style(key))
            x += g.text(name + "  ", x: x, y: chartArea.y, style: t.style("graph_text"))
        }
        let refs: [(y: Double, color: Color)] = run.clipNorm.map { [($0, t["clip"])] } ?? []
        decorated(LineChart(series: ghostLines(s, color: t["grad"]) { s.smoothing ? $0.smoothed.grad : $0[.gradNorm] }
            + comparedLines(s) { s.smoothing ? $0.smoothed.grad : $0.gradNorm } + [
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.grad : run.gradNorm, color: t["grad"]),
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.clipped : run.gradClipped, color: t["grad_clipped"]),
        ], logY: s.logScale.contains(.grads), markers: markers(s), references: refs, ascii: s.ascii), s)
            .render(into: &g, Rect(x: chartArea.x, y: chartArea.y + 1, width: chartArea.width, height: chartArea.height - 1), theme: t)
        if parts.count > 1, let m = run.lastStep {
            let names = run.header?.layers ?? m.layerGradNorms.indices.map { "l\($0)" }
            let items = zip(names, m.layerGradNorms).map { Bars.Item(label: $0, value: Double($1)) }
            g.text("per layer", x: parts[1].x + 1, y: parts[1].y, style: t.style("graph_text"))
            Bars(items: items, ascii: s.ascii).render(into: &g, Rect(x: parts[1].x + 1, y: parts[1].y + 1, width: parts[1].width - 1, height: parts[1].height - 1), theme: t)
        }
    }
}
