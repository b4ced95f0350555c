import Runs
import TerminalUI

extension Panel { public static let loss = Panel("loss") }

/// The loss: total, reconstruction and KL per step (smoothed or raw), the test ELBO at each evaluation, the ghosts of
/// abandoned branches and the compared runs; a VAE-GAN's three objectives instead.
struct LossPanel: PanelView {
    let meta = PanelMeta(.loss, "loss (nats per image)", short: "loss", .main, logScale: true, smooths: true)

    func title(_ s: AppState) -> String {
        if s.comparing { return "compare: \(s.compareMetric.rawValue)" + (s.compareMetric.largerIsBetter ? "" : " (nats)") }
        return s.run.isGAN ? "losses: encoder, decoder, discriminator" : title
    }
    func hasData(_ run: RunView) -> Bool { run.logs(.loss) || run.logs(.recon) || !run.evalLoss.isEmpty }
    func badge(_ s: AppState, generic: String, room: Int) -> String {
        if s.comparing {
            let key = "n: " + s.compareMetric.next.rawValue
            return generic.isEmpty ? key : (generic.count + key.count + 3 <= room ? generic + " · " + key : generic)
        }
        guard let b = Screen.branchBadge(s.run, ascii: s.ascii) else { return generic }
        // The longest that fits its room (a badge that does not fit is not drawn at all): the branch with the
        // ghosts and the generic badge, then the branch alone, then the shortest form.
        let short = Screen.branchBadge(s.run, ascii: s.ascii, hidden: false) ?? b
        let choices = (generic.isEmpty ? [] : [b + Screen.dot(s.ascii) + generic, short + Screen.dot(s.ascii) + generic]) + [b, short, "branch \(s.run.branch)"]
        return choices.first { $0.count <= room } ?? ""
    }
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState) { Screen.lossChart(&g, r, s) }
}

extension Screen {
    static func lossChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        if s.comparing {
            // Every run, VAE-GAN or not, as one line of the compared metric.
            comparisonLossChart(&g, r, s)
            return
        }
        if run.isGAN {
            // VAE-GAN: the three networks' objectives.
            legend(&g, r, s, [("encoder", .loss, "E"), ("decoder", .recon, "G"), ("discriminator", .kl, "D")])
            decorated(LineChart(series: ghostLines(s, color: t[.loss]) { $0[.ganEncoder] } + [
                               ChartSeries(xs: run.steps, ys: run.ganEncoder, color: t[.loss], tag: "E"),
                               ChartSeries(xs: run.steps, ys: run.ganDecoder, color: t[.recon], tag: "G"),
                               ChartSeries(xs: run.steps, ys: run.ganDiscriminator, color: t[.kl], tag: "D")],
                      logY: s.logScale.contains(.loss), markers: markers(s), ascii: s.ascii), s, ignoreOutliers: true)
                .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: t)
            return
        }
        let legendRows = r.height > 4 ? 1 : 0
        if legendRows == 1 {
            let x = r.x + legend(&g, r, s, [("total", .loss, "T"), ("recon", .recon, "R"), ("KL", .kl, "K"), ("test ELBO", .test, "E")])
            if let e = run.lastEval {
                let label = "test \(fmt(e.loss))"
                if r.maxX - x >= label.count { g.text(label, x: r.maxX - label.count, y: r.y, style: t.style(.test)) }
            }
        }
        let ghosts = ghostLines(s, color: t[.loss]) { s.smoothing ? $0.smoothed.loss : $0[.loss] }
            + ghostLines(s, color: t[.kl]) { s.smoothing ? $0.smoothed.kl : $0[.kl] }
        let chart = decorated(LineChart(series: ghosts + [
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.loss : run.loss, color: t[.loss], tag: "T"),
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.recon : run.recon, color: t[.recon], tag: "R"),
            ChartSeries(xs: run.steps, ys: s.smoothing ? run.smoothed.kl : run.kl, color: t[.kl], tag: "K"),
            ChartSeries(xs: run.evalSteps, ys: run.evalLoss, color: t[.test], kind: .points, tag: "E"),
        ], logY: s.logScale.contains(.loss), markers: markers(s), ascii: s.ascii), s, ignoreOutliers: true)
        chart.render(into: &g, Rect(x: r.x, y: r.y + legendRows, width: r.width, height: r.height - legendRows), theme: t)
    }
}
