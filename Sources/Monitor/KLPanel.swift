import Foundation
import Runs
import TerminalUI

extension Panel { public static let kl = Panel("kl") }

/// The KL panel: a legend, the per-dimension heatmap over time and the bars of the current KL, row for row.
struct KLPanel: PanelView {
    let meta = PanelMeta(.kl, "KL per latent dimension", short: "KL per dim", .side, logScale: true)

    func hasData(_ run: RunView) -> Bool { run.klDims.contains { !$0.isEmpty } }
    /// Active units with their criterion and the mutual information (its log state is under its bars).
    func badge(_ s: AppState, generic: String, room: Int) -> String {
        guard let e = s.run.lastEval, s.run.header?.logs("eval.activeUnits") ?? true else { return generic }
        return Screen.klBadge(e, room: room)
    }
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState) { Screen.klPanel(&g, r, s) }

    /// Its keys share one help line.
    static let helpKeys = "\(Panel.kl.number): ↑↓, s", help = "KL focused: select z_j (its traversal in \(Panel.images.number)); s sorts by KL"
    // Computed, not stored: the help line names panel numbers, which come from the registry these views are in.
    var keys: [KeyBinding] {
        [
            KeyBinding([.up, .down], .selectDimension, .focused(.kl), help: KLPanel.helpKeys, KLPanel.help),
            KeyBinding([.char("s")], .sortDimensions, .everywhere, help: KLPanel.helpKeys, KLPanel.help),
        ]
    }

    func reduce(_ s: inout AppState, _ action: KeyBinding.Action, _ k: Key) -> [Effect]? {
        switch action {
        case .selectDimension:
            let n = s.run.lastStep?.klDims.count ?? s.run.lastEval?.klDims.count ?? 0
            guard n > 0 else { s.flash = ("no latent dimensions logged yet", .inactiveFg); return [] }
            // ↑ ↓ move in the order the panel lists the dimensions (by index, or by KL when sorted).
            let order = s.dimensionOrder
            let i = order.firstIndex(of: s.selectedDimension) ?? 0
            s.selectedDimension = order[max(0, min(order.count - 1, i + (k == .down ? 1 : -1)))]
            s.imagesPage = .traversal
            // The live trainer draws the traversal of the selected dimension now (a client run shows what it logged;
            // a watched run draws it when its client declared a traverse handler).
            let draws = s.mode == .live || (s.mode == .follow && s.run.header?.capabilities?.contains("traverse") == true)
            if draws && s.run.end == nil { return [.command(.traverse(dimension: s.selectedDimension))] }
            if draws, let shown = s.run.images?.traversal?.dimension, shown != s.selectedDimension {
                // The trainer is gone: say so instead of leaving another dimension's traversal up as if it were this one's.
                s.flash = ("the run has ended: no traversal of \(s.selectedDimension.latentName) can be drawn (\(Panel.images.number) shows \(shown.latentName)'s)", .inactiveFg)
            }
        case .sortDimensions:
            s.sortByKL.toggle()
            s.flash = (s.sortByKL ? "KL panel: dimensions sorted by KL, largest first (s: by index)" : "KL panel: dimensions by index", .inactiveFg)
        default: return nil
        }
        return []
    }
}

extension Screen {
    /// The KL panel's badge: active units with their criterion and the mutual information, shortened to fit.
    static func klBadge(_ e: EvalMetrics, room: Int) -> String {
        let au = "AU \(e.activeUnits)/\(e.klDims.count)"
        let mi = e.mutualInformation.map { " · MI \(fmt($0))" } ?? ""
        let shortMI = e.mutualInformation.map { " · MI \(String(format: "%.2g", $0))" } ?? ""
        // Active (by the spread of μ) and collapsed (by the KL) are two criteria: a dimension can be both, and then
        // AU and the status line's collapsed count add up to more than the dimensions. Said, when it happens.
        let both = e.collapsed.filter { $0 < e.meanVariance.count && e.meanVariance[$0] > 0.01 }.count
        let overlap = both > 0 ? " · \(both) of them also collapsed (KL)" : ""
        let candidates = [au + " (var μ>0.01)" + overlap + mi, au + " (var μ>0.01)" + overlap, au + overlap,
                          au + " (var μ>0.01)" + mi + (mi.isEmpty ? "" : " nats"), au + " (var μ>0.01)" + mi, au + mi, au + shortMI, au]
        return candidates.firstFitting(room, ascii: false) ?? au
    }

    /// Which dimensions the KL panel shows and how: in `order`, `perRow` to a text row, starting at `first`.
    struct KLRows {
        var order: [Int]
        var perRow: Int
        var first: Int
        var capacity: Int
        /// The dimensions drawn, top to bottom.
        var shown: ArraySlice<Int> { order[first..<min(order.count, first + capacity)] }
        var overflow: Bool { order.count > capacity }

        /// Fits `order` into `textRows` rows, two per row with half blocks when one per row does not fit (never in
        /// ASCII or without colour), scrolled so that `selected` is in view.
        init(order: [Int], textRows: Int, halfBlocks: Bool, selected: Int) {
            self.order = order
            perRow = halfBlocks && order.count > textRows ? 2 : 1
            capacity = max(1, textRows * perRow)
            let at = order.firstIndex(of: selected) ?? 0
            var start = max(0, min(at - capacity / 2, order.count - capacity))
            start -= start % perRow
            first = max(0, start)
        }
    }

    static func klPanel(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme, run = s.run
        if s.comparing && s.klBranch == nil {
            comparisonKL(&g, r, s)
            return
        }
        let threshold = run.header?.config.collapseThreshold ?? 0.01
        let shown = klSource(s)
        var area = r
        if let title = shown.title, r.height > 3 {
            g.text("\(title) (b: next branch)", x: r.x, y: r.y, style: t.style(.inactiveFg), maxWidth: r.width)
            area = Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1)
        }
        let current = shown.title == nil ? run.lastStep?.klDims ?? [] : shown.dims.last ?? []
        let collapsed = Set(current.indices.filter { Double(current[$0]) < threshold })
        let range = Heatmap.valueRange(shown.dims, logScale: s.logScale.contains(.kl))
        if area.height >= 5 {
            klLegend(&g, Rect(x: area.x, y: area.y, width: area.width, height: 1), s, current: current, threshold: threshold, range: range)
            area = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        }
        let parts = area.columns([0.6, 0.4])
        let axis = area.height >= 3 ? 1 : 0
        let order = AppState.dimensionOrder(current, sortedByKL: s.sortByKL)
        let rows = KLRows(order: order, textRows: area.height - axis, halfBlocks: !s.shadesAsCharacters, selected: s.selectedDimension)
        do {
            var map = Heatmap(columns: shown.dims, steps: shown.steps, logScale: s.logScale.contains(.kl), flagged: collapsed, ascii: s.ascii)
            map.monochrome = s.shadesAsCharacters
            map.range = range
            map.xRange = timeWindow(s)
            map.rows = Array(rows.shown)
            map.perRow = rows.perRow
            map.selected = s.focus == .kl ? s.selectedDimension : nil
            map.render(into: &g, parts[0], theme: t)
        }
        let barArea = Rect(x: parts[1].x + 1, y: parts[1].y, width: parts[1].width - 1, height: parts[1].height - axis)
        klBars(&g, barArea, s, current: current, rows: rows, collapsed: collapsed, threshold: threshold)
        if axis == 1 {
            // Under the bars: which dimensions are in view when not all of them fit, else the bars' scale.
            let y = parts[1].maxY - 1
            let choices: [String]
            if rows.overflow {
                let last = min(order.count, rows.first + rows.capacity), range = "\(rows.first + 1)–\(last)"
                choices = ["\(range) of \(order.count)" + (s.focus == .kl ? " ↑↓" : " (\(Panel.kl.number), ↑↓)"), "\(range) of \(order.count)", "\(range)/\(order.count)"]
            } else {
                choices = [s.logScale.contains(.kl) ? "log scale" : "linear scale", s.logScale.contains(.kl) ? "log" : "lin"]
            }
            fitted(&g, Rect(x: barArea.x, y: y, width: barArea.width, height: 1), t.style(.inactiveFg), choices)
        }
    }

    /// The legend line: the heatmap's colour (or character) scale with its ends in nats, the collapse criterion,
    /// free bits' λ and, under free bits, raw against objective KL.
    static func klLegend(_ g: inout Grid, _ r: Rect, _ s: AppState, current: [Float], threshold: Double,
                         range: (lo: Double, hi: Double)?) {
        let t = s.theme, run = s.run
        // Segments in display order with their importance (0 first): whole segments are left out when short of room.
        var segments: [(rank: Int, parts: [(String, Style)])] = []
        if let range {
            var parts: [(String, Style)] = [(SeriesMath.label(range.lo) + " ", t.style(.graphText))]
            for k in 0..<5 {
                let v = Double(k) / 4
                if s.shadesAsCharacters {
                    parts.append((String(Heatmap.rampGlyph(v)), t.style(.mainFg)))
                } else {
                    parts.append(("█", Style(fg: t.gradient(.heat, v), bg: t[.mainBg])))
                }
            }
            parts.append((" \(SeriesMath.label(range.hi)) nats", t.style(.graphText)))
            segments.append((1, parts))
        }
        segments.append((2, [("×", t.style(.collapsed, [.bold])), (" <\(fmt(threshold))", t.style(.graphText))]))
        if run.freeBits > 0 {
            segments.append((0, [(s.ascii ? ":" : "┊", t.style(.marker)), (" λ \(fmt(run.freeBits))", t.style(.graphText))]))
            if let m = run.lastStep, let objective = m.klObjective {
                segments.append((3, [("KL raw \(fmt(m.kl)) obj \(fmt(objective))", t.style(.graphText))]))
            }
        }
        if s.focus == .kl, current.indices.contains(s.selectedDimension) {
            let d = s.selectedDimension
            segments.append((0, [("\(d.latentName) now \(SeriesMath.label(Double(current[d])))", t.style(.hiFg, [.bold]))]))
        }
        func width(_ seg: [(String, Style)]) -> Int { seg.reduce(0) { $0 + $1.0.columns(ascii: s.ascii) } }
        var room = r.width, keep = Set<Int>()
        for i in segments.indices.sorted(by: { segments[$0].rank < segments[$1].rank }) {
            let w = width(segments[i].parts) + (keep.isEmpty ? 0 : 2)
            if w <= room { keep.insert(i); room -= w }
        }
        var x = r.x
        for i in segments.indices where keep.contains(i) {
            if x > r.x { x += 2 }
            for (text, style) in segments[i].parts { x += g.text(text, x: x, y: r.y, style: style, maxWidth: max(0, r.maxX - x)) }
        }
    }

    /// The bars of the current KL, on the heatmap's rows: one per row with its value, or two per row in half blocks.
    /// A log scale (the KL panel's `l`) spreads the decades between the collapse threshold and the largest KL;
    /// free bits' λ is a dotted column.
    static func klBars(_ g: inout Grid, _ r: Rect, _ s: AppState, current: [Float], rows: KLRows, collapsed: Set<Int>,
                       threshold: Double) {
        let t = s.theme
        guard r.width > 6, r.height > 0, !current.isEmpty else { return }
        let log = s.logScale.contains(.kl)
        let top = max(Double(current.filter(\.isFinite).max() ?? 1), threshold * 10, s.run.freeBits)
        let floor = threshold / 10
        func fraction(_ v: Double) -> Double {
            guard v.isFinite, v > 0 else { return 0 }
            if !log { return min(1, v / top) }
            return min(1, max(0, (log10(max(v, floor)) - log10(floor)) / (log10(top) - log10(floor))))
        }
        let single = rows.perRow == 1
        let digits = Heatmap.digits(dimensions: current.count)
        let labelWidth = single ? digits + 2 : 0
        let valueWidth = single ? 9 : 0
        let width = r.width - labelWidth - valueWidth
        guard width > 1 else { return }
        let lambdaColumn = s.run.freeBits > 0 ? Int((fraction(s.run.freeBits) * Double(width - 1)).rounded()) : nil
        let shown = Array(rows.shown)
        let background = t[.mainBg], lambdaCell = Cell(s.ascii ? ":" : "┊", t.style(.marker))
        for line in 0..<min(r.height, (shown.count + rows.perRow - 1) / rows.perRow) {
            let y = r.y + line
            let group = Array(shown[(line * rows.perRow)..<min(shown.count, line * rows.perRow + rows.perRow)])
            let lengths = group.map { Int((fraction(Double(current[$0])) * Double(width)).rounded()) }
            let colors = group.map { collapsed.contains($0) ? t[.collapsed] : (s.shadesAsCharacters ? t[.mainFg] : t.gradient(.bar, fraction(Double(current[$0])))) }
            if single {
                let d = group[0]
                var style = collapsed.contains(d) ? t.style(.collapsed, [.bold]) : t.style(.graphText)
                if s.focus == .kl && d == s.selectedDimension { style = style.with(.reverse) }
                g.text(Heatmap.labels([d], digits: digits)[0], x: r.x, y: y, style: style)
                let value = (collapsed.contains(d) ? "×" : "") + SeriesMath.label(Double(current[d]))
                g.text(value.leftPadded(valueWidth), x: r.maxX - valueWidth, y: y, style: style)
            }
            for c in 0..<width {
                let x = r.x + labelWidth + c
                let a = c < lengths[0], b = group.count > 1 && c < lengths[1]
                if single {
                    if a { g[x, y] = Cell(s.ascii ? "#" : "█", Style(fg: colors[0], bg: background)) }
                } else if a || b {
                    let fg = a ? colors[0] : background, bg = b ? colors[1] : background
                    g[x, y] = Cell("▀", Style(fg: fg, bg: bg))
                }
                if c == lambdaColumn && !(a || b) { g[x, y] = lambdaCell }
            }
        }
    }
}

