import Runs
import TerminalUI

/// The KL panel of a comparison: one heatmap per drawn run, each with the bars of its current KL on its own rows
/// (one shared colour scale, so shades compare across runs), or (`d`) the focused run minus another.
extension Screen {
    /// A drawn run's KL history as far as the runs are revealed.
    struct RunKL {
        let slot: Int
        let name: String
        let run: RunView
        let steps: [Double]
        let dims: [[Float]]
        /// Its KL per dimension at the revealed step.
        var current: [Float] { dims.last ?? [] }
    }

    /// The drawn runs' KL, the focused run first.
    static func runKLs(_ s: AppState) -> [RunKL] {
        let upTo = s.revealedUpTo
        var out: [RunKL] = []
        if !s.hiddenRuns.contains(s.slotOfRun) { out.append(RunKL(slot: s.slotOfRun, name: s.runName, run: s.run, steps: s.run.steps, dims: s.run.klDims)) }
        for (slot, c) in s.visibleCompared {
            let n = min(SeriesIndex.count(c.run.steps, atMost: upTo), c.run.klDims.count)
            out.append(RunKL(slot: slot, name: c.name, run: c.run, steps: Array(c.run.steps[..<n]), dims: Array(c.run.klDims[..<n])))
        }
        return out.filter { !$0.dims.isEmpty }
    }

    static func comparisonKL(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let runs = runKLs(s)
        guard !runs.isEmpty else {
            g.text("no KL per dimension logged", x: r.x, y: r.y, style: s.theme.style(.inactiveFg), maxWidth: r.width)
            return
        }
        if s.klDifference, runs.count >= 2 {
            klDifference(&g, r, s, runs[0], runs[1])
            return
        }
        let t = s.theme, log = s.logScale.contains(.kl)
        let threshold = s.run.header?.config.collapseThreshold ?? 0.01
        // One scale for every run: the same shade is the same KL in each heatmap.
        let ranges = runs.compactMap { Heatmap.valueRange($0.dims, logScale: log) }
        let range = ranges.isEmpty ? nil : (lo: ranges.map(\.lo).min()!, hi: ranges.map(\.hi).max()!)
        var area = r
        if r.height >= 8 {
            klLegend(&g, Rect(x: r.x, y: r.y, width: r.width, height: 1), s, current: [], threshold: threshold, range: range)
            area = Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1)
        }
        let fits = max(1, min(runs.count, area.height / 3))
        let each = area.height / fits
        for (k, kl) in runs.prefix(fits).enumerated() {
            let y = area.y + k * each
            let h = k == fits - 1 ? area.maxY - y : each
            let focused = kl.slot == s.slotOfRun
            let name = (focused ? (s.ascii ? "> " : "▶ ") : "  ") + kl.name
            // Its evaluation as far as it is revealed; what does not fit is left out whole (never "MI 4.5").
            let n = min(SeriesIndex.count(kl.run.evalSteps, atMost: kl.steps.last ?? 0), kl.run.evalActive.count, kl.run.evalMI.count)
            let au = n > 0 && kl.run.evalActive[n - 1].isFinite ? "  AU \(Int(kl.run.evalActive[n - 1]))/\(kl.current.count)" : ""
            let mi = n > 0 && kl.run.evalMI[n - 1].isFinite ? "\(dot(s.ascii))MI \(fmt(kl.run.evalMI[n - 1]))" : ""
            let more = k == fits - 1 && runs.count > fits ? "  (+\(runs.count - fits) more: v hides runs)" : ""
            let body = Rect(x: area.x, y: y + 1, width: area.width, height: max(0, h - 1))
            let parts = body.columns([0.6, 0.4])
            // The time axis under the last heatmap only: every row above it is a dimension.
            let axis = k == fits - 1 && body.height >= 3 ? 1 : 0
            let current = kl.current
            let collapsed = Set(current.indices.filter { Double(current[$0]) < threshold })
            let order = AppState.dimensionOrder(current, sortedByKL: s.sortByKL)
            let rows = KLRows(order: order, textRows: max(1, body.height - axis), halfBlocks: !s.shadesAsCharacters, selected: s.selectedDimension)
            // Not every dimension fits a run's rows: which are shown is said (z shows them all; s puts the largest first).
            let dims = rows.overflow ? "\(dot(s.ascii))dims \(rows.first + 1)–\(min(order.count, rows.first + rows.capacity)) of \(order.count)" : ""
            let caption = [name + au + mi + dims + more, name + au + dims + more, name + au + dims, name + au + mi, name + au, name]
                .firstFitting(area.width, ascii: s.ascii) ?? name
            g.text(caption, x: area.x, y: y, style: Style(fg: runColor(s, kl.slot), bg: t[.mainBg], attributes: focused ? [.bold] : []),
                   maxWidth: area.width)
            guard h > 1 else { continue }
            var map = Heatmap(columns: kl.dims, steps: kl.steps, logScale: log, flagged: collapsed, ascii: s.ascii)
            map.monochrome = s.shadesAsCharacters
            map.range = range
            map.xRange = timeWindow(s) ?? (1...max(2, s.revealedUpTo.isFinite ? s.revealedUpTo : runs.map { $0.steps.last ?? 1 }.max()!))
            map.rows = Array(rows.shown)
            map.perRow = rows.perRow
            map.timeAxis = axis == 1
            map.render(into: &g, parts[0], theme: t)
            var sub = s
            sub.run = kl.run
            klBars(&g, Rect(x: parts[1].x + 1, y: parts[1].y, width: parts[1].width - 1, height: parts[1].height - axis), sub,
                   current: current, rows: rows, collapsed: collapsed, threshold: threshold)
        }
    }

    /// The focused run's KL minus another's, step by step (the other's latest step at or before each): a diverging
    /// scale centred on 0, in the two runs' colours; beside it each dimension's current KL in both.
    static func klDifference(_ g: inout Grid, _ r: Rect, _ s: AppState, _ a: RunKL, _ b: RunKL) {
        let t = s.theme
        var diff: [[Float]] = []
        diff.reserveCapacity(a.steps.count)
        var largest: Float = 0
        for (i, x) in a.steps.enumerated() {
            let j = SeriesIndex.count(b.steps, atMost: x) - 1
            guard j >= 0 else { diff.append([]); continue }
            let col = zip(a.dims[i], b.dims[j]).map { $0 - $1 }
            for v in col where v.isFinite { largest = max(largest, abs(v)) }
            diff.append(col)
        }
        let ca = runColor(s, a.slot), cb = runColor(s, b.slot)
        // The names shortened alike until the two lines fit (never a name cut off at the border).
        let cut = s.ascii ? "~" : "…"
        func short(_ n: String, _ k: Int) -> String { n.count > k ? String(n.prefix(max(1, k - 1))) + cut : n }
        let range = "±\(SeriesMath.label(Double(largest))) nats"
        var k = max(a.name.count, b.name.count)
        func widths(_ k: Int) -> (Int, Int) {
            (short(a.name, k).count + 3 + short(b.name, k).count, 2 + 8 + short(a.name, k).count + 2 + 2 + 8 + short(b.name, k).count)
        }
        while k > 4 && max(widths(k).0, widths(k).1) > r.width { k -= 1 }
        let na = short(a.name, k), nb = short(b.name, k)
        var x = r.x
        x += g.text(na, x: x, y: r.y, style: Style(fg: ca, bg: t[.mainBg], attributes: [.bold]), maxWidth: max(0, r.maxX - x))
        x += g.text(" − ", x: x, y: r.y, style: t.style(.graphText), maxWidth: max(0, r.maxX - x))
        x += g.text(nb, x: x, y: r.y, style: Style(fg: cb, bg: t[.mainBg], attributes: [.bold]), maxWidth: max(0, r.maxX - x))
        // What picks the second run, and the way back, when there is room.
        let note = ["  (the next drawn run; ] focuses another · d: per run)", "  (d: per run)", ""].firstFitting(r.maxX - x, ascii: s.ascii) ?? ""
        x += g.text(note, x: x, y: r.y, style: t.style(.inactiveFg), maxWidth: max(0, r.maxX - x))
        if x + range.count + 2 <= r.maxX { g.text(range, x: r.maxX - range.count, y: r.y, style: t.style(.graphText)) }
        let glyphs = Heatmap.divergingGlyphs
        let more = s.shadesAsCharacters ? ("\(glyphs.positive[1]) more in \(na)", "\(glyphs.negative[1]) more in \(nb)")
                                        : ("more in \(na)", "more in \(nb)")
        var lx = r.x
        if !s.shadesAsCharacters { lx += g.text("█ ", x: lx, y: r.y + 1, style: Style(fg: ca, bg: t[.mainBg])) }
        lx += g.text(more.0 + "  ", x: lx, y: r.y + 1, style: t.style(.graphText), maxWidth: max(0, r.maxX - lx))
        if !s.shadesAsCharacters { lx += g.text("█ ", x: lx, y: r.y + 1, style: Style(fg: cb, bg: t[.mainBg]), maxWidth: max(0, r.maxX - lx)) }
        lx += g.text(more.1, x: lx, y: r.y + 1, style: t.style(.graphText), maxWidth: max(0, r.maxX - lx))
        let body = Rect(x: r.x, y: r.y + 2, width: r.width, height: r.height - 2)
        guard body.height > 0 else { return }
        // The two runs' current KL beside each row, under their names, when the panel has room for both columns.
        let valueWidth = 17
        let parts = body.width >= 3 * valueWidth ? [Rect(x: body.x, y: body.y, width: body.width - valueWidth, height: body.height),
                                                    Rect(x: body.maxX - valueWidth, y: body.y, width: valueWidth, height: body.height)] : [body]
        let axis = body.height >= 3 ? 1 : 0
        let order = AppState.dimensionOrder(a.current, sortedByKL: s.sortByKL)
        let rows = KLRows(order: order, textRows: body.height - axis, halfBlocks: false, selected: s.selectedDimension)
        var map = Heatmap(columns: diff, steps: a.steps, logScale: false, ascii: s.ascii)
        map.monochrome = s.shadesAsCharacters
        map.diverging = (negative: cb, positive: ca)
        map.range = (lo: -Double(max(largest, 1e-6)), hi: Double(max(largest, 1e-6)))
        map.xRange = timeWindow(s)
        map.rows = Array(rows.shown)
        map.perRow = 1
        map.render(into: &g, parts[0], theme: t)
        guard parts.count > 1 else { return }
        // Each row's current KL in the two runs, on the heatmap's rows.
        for (line, d) in rows.shown.enumerated() where line < parts[1].height - axis {
            let va = d < a.current.count ? SeriesMath.label(Double(a.current[d])) : "–"
            let vb = d < b.current.count ? SeriesMath.label(Double(b.current[d])) : "–"
            var cx = parts[1].x + 1
            cx += g.text(va.leftPadded(7), x: cx, y: parts[1].y + line, style: Style(fg: ca, bg: t[.mainBg]), maxWidth: max(0, parts[1].maxX - cx))
            g.text(" " + vb.leftPadded(7), x: cx, y: parts[1].y + line, style: Style(fg: cb, bg: t[.mainBg]), maxWidth: max(0, parts[1].maxX - cx))
        }
    }
}
