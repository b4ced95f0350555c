import Runs
import TerminalUI

/// Run comparison: every compared run in a colour of its own on the loss, β, lr and gradient charts, revealed up to
/// the focused run's step, with a legend; one KL heatmap per run.
extension Screen {
    /// Theme colours of compared runs, in order (the focused run keeps each chart's own colours).
    static let comparisonColors: [ThemeRole] = [.lr, .beta, .momentum, .test, .gradClipped, .clip, .recon, .kl]

    static func comparisonColor(_ s: AppState, _ i: Int) -> Color { s.theme[comparisonColors[i % comparisonColors.count]] }

    /// How far the compared runs are drawn: in a replay up to the focused run's step while it plays; all of them
    /// once it ended, and always when watching runs as they are written.
    static func comparedUpTo(_ s: AppState) -> Double {
        s.mode != .replay || s.run.end != nil ? .infinity : Double(s.run.lastStep?.step ?? 0)
    }

    /// One line per compared run.
    static func comparedLines(_ s: AppState, _ values: (RunView) -> [Double]) -> [ChartSeries] {
        let upTo = comparedUpTo(s)
        return s.visibleCompared.map { i, c in
            let n = SeriesIndex.count(c.run.steps, atMost: upTo)
            return ChartSeries(xs: Array(c.run.steps[..<n]), ys: Array(values(c.run).prefix(n)), color: comparisonColor(s, i))
        }
    }

    /// The legend of a comparison: the focused run, then each compared run in its colour.
    static func comparisonLegend(_ g: inout Grid, _ r: Rect, _ s: AppState, focusedColor: Color) {
        var x = r.x
        let dash = s.ascii ? "- " : "━ "
        let names = [(s.runName, focusedColor)] + s.visibleCompared.map { ($1.name, comparisonColor(s, $0)) }
        for (name, color) in names where x < r.maxX {
            x += g.text(dash, x: x, y: r.y, style: Style(fg: color, bg: s.theme[.mainBg]), maxWidth: r.maxX - x)
            x += g.text(name + "  ", x: x, y: r.y, style: s.theme.style(.graphText), maxWidth: max(0, r.maxX - x))
        }
    }

    /// The run list of a comparison (in the hyperparameter panel's place): each run in its colour, shown or hidden,
    /// the selected one marked; `[` `]` select, `v` shows or hides.
    static func runList(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme
        g.text("\(s.runName) (focused)", x: r.x, y: r.y, style: t.style(.mainFg, [.bold]), maxWidth: r.width)
        for (i, c) in s.compared.enumerated() where r.y + 1 + i < r.maxY {
            let shown = !s.hiddenRuns.contains(i)
            let mark = (i == s.selectedRun ? (s.ascii ? ">" : "▶") : " ") + (shown ? (s.ascii ? "[x] " : "☑ ") : (s.ascii ? "[ ] " : "☐ "))
            let style = shown ? Style(fg: comparisonColor(s, i), bg: t[.mainBg], attributes: i == s.selectedRun ? [.bold] : [])
                              : t.style(.inactiveFg)
            g.text(mark + c.name, x: r.x, y: r.y + 1 + i, style: style, maxWidth: r.width)
        }
        if r.y + 1 + s.compared.count < r.maxY {
            g.text("[ ] select  v show/hide", x: r.x, y: r.maxY - 1, style: t.style(.graphText), maxWidth: r.width)
        }
    }

    /// The KL panel of a comparison: one heatmap per run, stacked, each captioned with its run's name.
    static func comparedHeatmaps(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let runs = [(s.runName, s.run.steps, s.run.klDims, s.theme[.mainFg])]
            + s.visibleCompared.map { i, c in
                let n = SeriesIndex.count(c.run.steps, atMost: comparedUpTo(s))
                return (c.name, Array(c.run.steps[..<n]), Array(c.run.klDims.prefix(n)), comparisonColor(s, i))
            }
        let each = max(2, r.height / runs.count)
        for (i, run) in runs.enumerated() {
            let y = r.y + i * each
            guard y < r.maxY else { break }
            g.text(run.0, x: r.x, y: y, style: Style(fg: run.3, bg: s.theme[.mainBg], attributes: [.bold]), maxWidth: r.width)
            let h = min(each, r.maxY - y) - 1
            guard h > 0 else { continue }
            Heatmap(columns: run.2, steps: run.1, logScale: s.logScale.contains(.kl), flagged: [], ascii: s.ascii)
                .render(into: &g, Rect(x: r.x, y: y + 1, width: r.width, height: h), theme: s.theme)
        }
    }
}
