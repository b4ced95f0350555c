import Foundation
import Runs
import TerminalUI

/// Run comparison: one line per drawn run in the run's own colour on the loss, β, lr and gradient charts (the
/// focused run on top, its own detail lines off), a legend with each run's value, and one KL heatmap per run or the
/// difference of two.
extension Screen {
    /// Theme colours a run may take, in order of preference; those that look alike at the terminal's colour depth
    /// (or like the background) are skipped.
    static let runColorRoles: [ThemeRole] = [.run1, .run2, .run3, .run4, .run5, .run6, .run7, .run8]

    /// The run palette of a theme at the terminal's colour depth: colours that stay apart from each other and from
    /// the background there (at most `AppState.maxDrawn`; fewer on 8 colours, where letters tell the rest apart).
    static func runPalette(_ s: AppState) -> [Color] {
        let t = s.theme, depth = s.colorDepth == 0 ? 8 : s.colorDepth
        var picked: [Color] = [], indices: Set<Int32> = [ColorDepth.index(t[.mainBg], depth: depth)]
        for role in runColorRoles where picked.count < AppState.maxDrawn {
            let c = t[role], i = ColorDepth.index(c, depth: depth)
            guard !indices.contains(i), picked.allSatisfy({ distance($0, c) >= 40 }), distance(c, t[.mainBg]) >= 60 else { continue }
            picked.append(c); indices.insert(i)
        }
        return picked.isEmpty ? [t[.mainFg]] : picked
    }

    /// Distance of two colours (weighted RGB, as the 8-colour mapping measures it).
    static func distance(_ a: Color, _ b: Color) -> Double {
        guard case .rgb(let r1, let g1, let b1) = a, case .rgb(let r2, let g2, let b2) = b else { return a == b ? 0 : 255 }
        let dr = Double(r1) - Double(r2), dg = Double(g1) - Double(g2), db = Double(b1) - Double(b2)
        return (3 * dr * dr + 4 * dg * dg + 2 * db * db).squareRoot() / 3
    }

    /// A run's colour.
    static func runColor(_ s: AppState, _ slot: Int) -> Color {
        let palette = runPalette(s)
        return palette[(s.runColors[slot] ?? slot) % palette.count]
    }

    /// A run's letter (A for the first run): drawn at its lines' ends when colours cannot tell all runs apart.
    static func runTag(_ slot: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String(letters[slot % letters.count])
    }

    /// Whether the charts of a comparison need letters: no colour, or fewer distinct colours than drawn runs.
    static func runsNeedLetters(_ s: AppState) -> Bool {
        s.lettersForLines || runPalette(s).count < s.runCount - s.hiddenRuns.count
    }

    /// One line per drawn run (compared runs revealed up to the first run's step), the focused run last, on top.
    static func runLines(_ s: AppState, _ values: (RunView) -> (xs: [Double], ys: [Double])) -> [ChartSeries] {
        let upTo = s.revealedUpTo
        var lines = s.visibleCompared.map { slot, c in
            let (xs, ys) = values(c.run)
            let n = min(SeriesIndex.count(xs, atMost: upTo), ys.count)
            return ChartSeries(xs: Array(xs[..<n]), ys: Array(ys[..<n]), color: runColor(s, slot), tag: runTag(slot))
        }
        if !s.hiddenRuns.contains(s.slotOfRun) {
            let (xs, ys) = values(s.run)
            lines.append(ChartSeries(xs: xs, ys: ys, color: runColor(s, s.slotOfRun), tag: runTag(s.slotOfRun)))
        }
        return lines
    }

    /// A chart of a comparison: the runs' lines, the focused run's change marks, letters when colours are too few.
    static func comparisonChart(_ s: AppState, _ series: [ChartSeries], xRange: ClosedRange<Double>? = nil, logY: Bool,
                                references: [(y: Double, color: Color)] = [], ignoreOutliers: Bool = false) -> LineChart {
        var c = LineChart(series: series, xRange: xRange, logY: logY, markers: markers(s), references: references, ascii: s.ascii)
        c.ignoreOutliers = ignoreOutliers
        c.cursor = s.rewindStep.map { Double(max($0, 1)) }
        if c.markers.count == s.run.changes.count { c.markerTags = s.run.changeTags }
        c.tagEnds = runsNeedLetters(s)
        if let window = timeWindow(s) { c.xRange = window.lowerBound...max(window.upperBound, c.xRange?.upperBound ?? window.upperBound) }
        return c
    }

    /// The legend of a comparison: each drawn run's mark and name in its colour with its value (`text`), the focused
    /// run first and bold; runs that do not fit are counted ("+3").
    static func comparisonLegend(_ g: inout Grid, _ r: Rect, _ s: AppState, _ text: (RunView, _ upTo: Double) -> String?) {
        let upTo = s.revealedUpTo
        var items: [(slot: Int, name: String, value: String)] = []
        if !s.hiddenRuns.contains(s.slotOfRun) { items.append((s.slotOfRun, s.runName, text(s.run, .infinity) ?? "–")) }
        for (slot, c) in s.visibleCompared { items.append((slot, c.name, text(c.run, upTo) ?? "–")) }
        var x = r.x
        let letters = runsNeedLetters(s)
        // Names give way (to 6 columns, "cyclical-an…") before a run leaves the legend.
        func width(_ n: Int) -> Int { items.reduce(0) { $0 + 2 + min($1.name.count, n) + 1 + $1.value.count + 2 } - 2 }
        var room = items.map(\.name.count).max() ?? 0
        while room > 6 && width(room) > r.width { room -= 1 }
        let cut = s.ascii ? "~" : "…"
        items = items.map { $0.name.count > room ? ($0.slot, String($0.name.prefix(room - 1)) + cut, $0.value) : $0 }
        for (k, item) in items.enumerated() {
            let mark = letters ? runTag(item.slot) + " " : (s.ascii ? "- " : "━ ")
            let label = "\(item.name) \(item.value)"
            let rest = items.count - k - 1
            let more = rest > 0 ? " +\(rest)" : ""
            // Room for this item and, when others follow, for saying how many do not fit.
            guard x + mark.count + label.columns(ascii: s.ascii) + (rest > 0 ? more.count + 2 : 0) <= r.maxX else {
                let left = "+\(items.count - k)"
                if x + left.count <= r.maxX { g.text(left, x: x, y: r.y, style: s.theme.style(.graphText)) }
                return
            }
            let focused = item.slot == s.slotOfRun
            x += g.text(mark, x: x, y: r.y, style: Style(fg: runColor(s, item.slot), bg: s.theme[.mainBg], attributes: [.bold]))
            x += g.text(item.name, x: x, y: r.y, style: Style(fg: runColor(s, item.slot), bg: s.theme[.mainBg], attributes: focused ? [.bold] : []))
            x += g.text(" \(item.value)  ", x: x, y: r.y, style: s.theme.style(focused ? .mainFg : .graphText, focused ? [.bold] : []),
                        maxWidth: max(0, r.maxX - x))
        }
    }

    /// The loss panel of a comparison: the compared metric for every drawn run, with the legend of values.
    static func comparisonLossChart(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let metric = s.compareMetric, smooth = s.smoothing
        let legendRows = r.height > 4 ? 1 : 0
        if legendRows == 1 {
            comparisonLegend(&g, r, s) { v, upTo in metric.value(v, atMost: upTo, smoothed: smooth).map(fmt) }
        }
        let series = runLines(s) { metric.series($0, smoothed: smooth) }
        comparisonChart(s, series, logY: s.logScale.contains(.loss), ignoreOutliers: s.compareMetric.perStep)
            .render(into: &g, Rect(x: r.x, y: r.y + legendRows, width: r.width, height: r.height - legendRows), theme: s.theme)
    }

    /// A schedule or gradient chart of a comparison: one line per drawn run; `label` is the focused run's value.
    static func comparisonSeriesChart(_ g: inout Grid, _ r: Rect, _ s: AppState, label: String, logY: Bool,
                                      xRange: ClosedRange<Double>? = nil, ignoreOutliers: Bool = false,
                                      _ values: (RunView) -> (xs: [Double], ys: [Double])) {
        g.text(label, x: r.x, y: r.y, style: Style(fg: runColor(s, s.slotOfRun), bg: s.theme[.mainBg]), maxWidth: r.width)
        comparisonChart(s, runLines(s, values), xRange: xRange, logY: logY, ignoreOutliers: ignoreOutliers)
            .render(into: &g, Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1), theme: s.theme)
    }
}
