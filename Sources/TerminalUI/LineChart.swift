import Foundation

/// One series of a line chart.
public struct ChartSeries {
    /// How the series is drawn.
    public enum Kind { case line, points }
    public var xs: [Double]
    public var ys: [Double]
    public var color: Color
    public var kind: Kind
    /// Drawn dimmed (the planned future of a schedule).
    public var dimmed: Bool
    /// A letter drawn at the series' last point when colour cannot tell the series apart (`LineChart.tagEnds`).
    public var tag: String?

    public init(xs: [Double], ys: [Double], color: Color, kind: Kind = .line, dimmed: Bool = false, tag: String? = nil) {
        self.xs = xs; self.ys = ys; self.color = color; self.kind = kind; self.dimmed = dimmed; self.tag = tag
    }
}

/// A braille line chart with a y axis, x tick labels, vertical markers and horizontal reference lines.
public struct LineChart {
    public var series: [ChartSeries]
    /// The x range shown; nil means the data's own range.
    public var xRange: ClosedRange<Double>?
    public var logY: Bool
    /// x positions of markers (keyboard changes), drawn as dotted vertical lines where the plot is empty.
    public var markers: [Double]
    /// Horizontal reference lines (e.g. the clip threshold).
    public var references: [(y: Double, color: Color)]
    public var ascii: Bool
    /// The x position of a cursor (the rewind point being chosen), drawn as a highlighted column.
    public var cursor: Double?
    /// A colour per marker (nil: the theme's marker colour for all), e.g. the LR range test's five suggestions.
    public var markerColors: [Color]?
    /// A short tag per marker (the same tag as the change's line in the event log), drawn at the marker's top.
    public var markerTags: [String] = []
    /// x positions where a branch left the run (drawn like markers, in the inactive colour).
    public var forks: [Double] = []
    /// Draw each tagged series' letter at its last point (no colour: the letters tell the lines apart).
    public var tagEnds = false
    /// The y axis leaves out outliers as TensorBoard's "ignore outliers in chart scaling" does (vz_chart_helpers
    /// `computeDomain`: the 5th to 95th percentile, padded by a fifth of that span), never reaching past the data:
    /// a first-step loss of 549 no longer squeezes the rest of the run into the bottom rows.
    public var ignoreOutliers = false
    /// Formats x tick labels (default: a step number, whole).
    public var xLabel: (Double) -> String = { SeriesMath.stepLabel($0) }

    public init(series: [ChartSeries], xRange: ClosedRange<Double>? = nil, logY: Bool = false, markers: [Double] = [],
                references: [(y: Double, color: Color)] = [], ascii: Bool = false) {
        self.series = series; self.xRange = xRange; self.logY = logY; self.markers = markers
        self.references = references; self.ascii = ascii
    }

    private func transform(_ y: Double) -> Double { logY ? (y > 0 ? log10(y) : .nan) : y }

    /// The value every drawn (not dimmed) series holds at every step, when they all hold one (a constant lr).
    private func flatValue(_ buckets: [[(Double, Double)?]]) -> Double? {
        var value: Double?
        for (s, b) in zip(series, buckets) where !s.dimmed {
            for case let (a, c)? in b {
                guard abs(c - a) <= 1e-12 * max(1, abs(a)) else { return nil }
                if let v = value, abs(v - a) > 1e-12 * max(1, abs(a)) { return nil }
                value = a
            }
        }
        return value.map { logY ? pow(10, $0) : $0 }
    }

    /// Ticks at round numbers inside the axis (in value units; `ylo`, `yhi` are log10 on a log axis), at least two
    /// rows apart, with the flat line's value on its own row; fewer than two when none fit.
    private func roundTicks(ylo: Double, yhi: Double, rows: Int, dotsPerRow: Int, pixelHeight ph: Int, flat: Double?) -> [(row: Int, value: Double)] {
        let lo = logY ? pow(10, ylo) : ylo, hi = logY ? pow(10, yhi) : yhi
        guard hi > lo, rows >= 2 else { return [] }
        func row(_ v: Double) -> Int {
            let t = logY ? log10(v) : v
            return Int(((yhi - t) / (yhi - ylo) * Double(ph - 1)).rounded()) / dotsPerRow
        }
        // The spacing whose tick count is nearest the rows' room (a tick every other row, five at most).
        let wanted = Double(max(2, min(5, rows / 2)))
        let magnitude = pow(10, floor(log10((hi - lo) / wanted)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.min { abs((hi - lo) / $0 - wanted) < abs((hi - lo) / $1 - wanted) }!
        var out: [(row: Int, value: Double)] = []
        func add(_ v: Double) {
            let r = row(v)
            // A tick whose number does not fit the label column is left out (never a cut number).
            guard r >= 0, r < rows, !out.contains(where: { abs($0.row - r) < 2 }), SeriesMath.roundLabel(v).count <= 7 else { return }
            out.append((r, v))
        }
        // A flat line's axis is a made-up ±5 % around it: its own value is the only number worth reading there.
        if let flat, flat >= lo, flat <= hi {
            add(flat)
            return out
        }
        if logY && yhi - ylo >= 0.5 {
            // A log axis over a few decades: 1, 2 and 5 of each decade (evenly spread on it, unlike a linear step).
            for d in Int(floor(ylo))...Int(ceil(yhi)) { for k in [1.0, 2, 5] { let v = k * pow(10, Double(d)); if v >= lo && v <= hi { add(v) } } }
            return out.sorted { $0.row < $1.row }
        }
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 {
            add(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return out.sorted { $0.row < $1.row }
    }

    /// Draws into `r` (axes included).
    public func render(into grid: inout Grid, _ r: Rect, theme: Theme) {
        let text = theme.style(.graphText)
        guard r.width >= 12, r.height >= 3 else {
            if r.width > 0 && r.height > 0 { grid.text("…", x: r.x, y: r.y, style: text) }
            return
        }
        // x range.
        var xlo = Double.infinity, xhi = -Double.infinity
        for s in series { if let f = s.xs.first, let l = s.xs.last { xlo = min(xlo, f); xhi = max(xhi, l) } }
        if let xr = xRange { xlo = xr.lowerBound; xhi = xr.upperBound }
        guard xlo.isFinite, xhi.isFinite else {
            grid.text("waiting for data", x: r.x + max(0, (r.width - 16) / 2), y: r.y + r.height / 2, style: text)
            return
        }
        if xhi <= xlo { xhi = xlo + 1 }
        let labelWidth = 7
        let plot = Rect(x: r.x + labelWidth + 1, y: r.y, width: r.width - labelWidth - 1, height: r.height - 1)
        var canvas = BrailleCanvas(cols: plot.width, rows: plot.height, ascii: ascii)
        let pw = canvas.pixelWidth, ph = canvas.pixelHeight
        // Downsample every series into pixel columns (min and max per column), then find the y range.
        var buckets: [[(Double, Double)?]] = []
        var ylo = Double.infinity, yhi = -Double.infinity
        for s in series {
            // Bucket the raw values, then transform the extremes (log is monotonic): no per-point log10.
            var b = SeriesMath.minMaxBuckets(xs: s.xs, ys: s.ys, lo: xlo, hi: xhi, buckets: pw, positiveOnly: logY)
            if logY { for i in b.indices { if let (a, c) = b[i] { b[i] = (transform(a), transform(c)) } } }
            for case let (a, c)? in b { ylo = min(ylo, a); yhi = max(yhi, c) }
            buckets.append(b)
        }
        if ignoreOutliers {
            // Percentiles of what each pixel column shows (its extremes), over every series.
            var values: [Double] = []
            for b in buckets { for case let (a, c)? in b { values.append(a); values.append(c) } }
            if values.count >= 40 {
                values.sort()
                func quantile(_ p: Double) -> Double {
                    let h = Double(values.count - 1) * p, i = Int(h)
                    return i + 1 < values.count ? values[i] + (values[i + 1] - values[i]) * (h - Double(i)) : values[i]
                }
                let q05 = quantile(0.05), q95 = quantile(0.95), pad = (q95 - q05) * 0.2
                if q95 > q05 { ylo = max(ylo, q05 - pad); yhi = min(yhi, q95 + pad) }
            }
        }
        for ref in references { let t = transform(ref.y); if t.isFinite { ylo = min(ylo, t); yhi = max(yhi, t) } }
        guard ylo.isFinite, yhi.isFinite else {
            grid.text("no finite values", x: r.x + max(0, (r.width - 16) / 2), y: r.y + r.height / 2, style: text)
            return
        }
        // The axis spans the data exactly (top and bottom dot rows are the extremes); a flat series gets ±5%.
        let nonNegative = !logY && ylo >= 0
        if yhi - ylo < 1e-12 { let pad = max(abs(yhi) * 0.05, 1e-6); ylo -= pad; yhi += pad }
        if nonNegative { ylo = max(0, ylo) }
        // Halves keep yhi − ylo finite when the data spans ±1e308; rows off the plot are clipped by the canvas.
        func py(_ y: Double) -> Int { ((yhi / 2 - y / 2) / (yhi / 2 - ylo / 2) * Double(ph - 1)).rounded().clampedInt(-2...(ph + 1)) }
        // Series.
        for (s, b) in zip(series, buckets) {
            let color = s.dimmed ? Color.mix(s.color, theme[.mainBg], 0.55) : s.color
            var prev: (x: Int, y: Int)?
            for (x, bucket) in b.enumerated() {
                guard let (a, c) = bucket else { continue }
                let top = py(c), bottom = py(a)
                if s.kind == .points {
                    canvas.set(x, top, color); canvas.set(x, bottom, color)
                    continue
                }
                let entry = (top + bottom) / 2
                if let p = prev {
                    // Connect from the previous column across any empty columns in between.
                    let span = x - p.x
                    for k in 1..<max(span, 1) {
                        let y0 = p.y + (entry - p.y) * (k - 1) / span, y1 = p.y + (entry - p.y) * k / span
                        canvas.vline(p.x + k, y0, y1, color)
                    }
                    canvas.vline(x, p.y + (entry - p.y) * max(span - 1, 0) / max(span, 1), entry, color)
                }
                canvas.vline(x, top, bottom, color)
                prev = (x, entry)
            }
        }
        // Reference lines and markers go where the plot is empty.
        let background = theme[.mainBg]
        for ref in references {
            let t = transform(ref.y)
            guard t.isFinite else { continue }
            let row = py(t) / (ascii ? 1 : 4)
            let cell = Cell(ascii ? "-" : "╌", Style(fg: ref.color, bg: background))
            for c in 0..<plot.width where row >= 0 && row < plot.height && canvas.isEmpty(col: c, row: row) && c % 2 == 0 {
                grid[plot.x + c, plot.y + row] = cell
            }
        }
        func column(_ m: Double) -> Int {
            (xhi > xlo ? (m - xlo) / (xhi - xlo) * Double(pw - 1) : 0).clampedInt(0...(pw - 1)) / (ascii ? 1 : 2)
        }
        // A mark inside the x range; one before the first step (a change at step 0: a fork's knobs, a guard's
        // repair after a rewind to the start) at the left edge.
        func shown(_ m: Double) -> Bool { (m >= xlo || (m > 0 && m < 1 && xlo <= 1)) && m <= xhi + 1 }
        let lines: [([Double], Unicode.Scalar, ThemeRole)] = [(markers, ascii ? ":" : "┊", .marker), (forks, ascii ? "!" : "╎", .inactiveFg)]
        for (k, (list, glyph, key)) in lines.enumerated() {
            let cell = Cell(glyph, theme.style(key))
            var last = -1
            for (i, m) in list.enumerated() where shown(m) {
                let c = column(m)
                let colored = k == 0 ? markerColors.flatMap { i < $0.count ? Cell(glyph, Style(fg: $0[i], bg: background)) : nil } : nil
                if c == last && colored == nil { continue }   // markers crowded into one column draw it once
                last = c
                for row in 0..<plot.height where canvas.isEmpty(col: c, row: row) { grid[plot.x + c, plot.y + row] = colored ?? cell }
            }
        }
        canvas.draw(into: &grid, x: plot.x, y: plot.y, background: background)
        if tagEnds {
            // Each tagged series' letter just right of its last point (on it at the right edge).
            // Two letters never share a cell: a later one moves to the nearest free row.
            var used = Set<Int>()
            for (s, b) in zip(series, buckets) {
                guard let tag = s.tag, let last = b.lastIndex(where: { $0 != nil }), let (a, c) = b[last] else { continue }
                let col = min(plot.width - 1, last / (ascii ? 1 : 2) + 1)
                let row = min(plot.height - 1, max(0, ((py(c) + py(a)) / 2) / (ascii ? 1 : 4)))
                var free: Int?
                for distance in 0..<plot.height {
                    for candidate in [row - distance, row + distance] where free == nil && candidate >= 0 && candidate < plot.height {
                        if !used.contains(candidate * plot.width + col) { free = candidate }
                    }
                    if free != nil { break }
                }
                guard let free else { continue }
                used.insert(free * plot.width + col)
                grid.text(tag, x: plot.x + col, y: plot.y + free, style: theme.style(.mainFg, [.bold]), maxWidth: 1)
            }
        }
        // Marker tags: the tags of every marker in a column together ("1,2" for two changes at one step), at the
        // highest row where the plot leaves room for them in that column or just beside it (the line that changed
        // may fill the marker's own column with its step).
        let tagStyle = theme.style(.marker, [.bold])
        var byColumn: [(column: Int, tags: [String])] = []
        for (m, tag) in zip(markers, markerTags) where shown(m) && !tag.isEmpty {
            let c = column(m)
            if let last = byColumn.last, last.column == c { byColumn[byColumn.count - 1].tags.append(tag) } else { byColumn.append((c, [tag])) }
        }
        var taken: [(row: Int, range: Range<Int>)] = []
        for (c, tags) in byColumn {
            let text = tags.joined(separator: ","), w = text.count
            func free(_ row: Int, _ x: Int) -> Bool {
                x >= 0 && x + w <= plot.width && (x..<x + w).allSatisfy { canvas.isEmpty(col: $0, row: row) }
                    && !taken.contains { $0.row == row && $0.range.overlaps(x - 1..<x + w + 1) }
            }
            search: for row in 0..<plot.height {
                for x in [c, c + 1, c - w, c + 2] where free(row, x) {
                    grid.text(text, x: plot.x + x, y: plot.y + row, style: tagStyle)
                    taken.append((row, x..<x + w))
                    break search
                }
            }
        }
        if let m = cursor, m >= xlo, m <= xhi {
            let c = column(m)
            let mark = Cell(ascii ? "|" : "│", theme.style(.hiFg, [.bold])), selected = theme[.selectedBg]
            for row in 0..<plot.height {
                var cell = grid[plot.x + c, plot.y + row]
                if canvas.isEmpty(col: c, row: row) { cell = mark }
                cell.style.bg = selected
                grid[plot.x + c, plot.y + row] = cell
            }
        }
        // Axes.
        let axisCell = Cell(ascii ? "|" : "┤", theme.style(.divLine))
        for row in 0..<plot.height { grid[plot.x - 1, plot.y + row] = axisCell }
        // Top and bottom rows are labelled with the extremes, a middle row with the value at its centre; a log axis
        // that spans a decade or more is labelled at the powers of ten instead.
        let dotsPerRow = ascii ? 1 : 4
        func value(atDot dot: Int) -> Double { yhi - (yhi / 2 - ylo / 2) * 2 * Double(dot) / Double(max(1, ph - 1)) }
        var ticks: [(row: Int, value: Double)] = []
        var round = false
        if logY && yhi - ylo >= 1 {
            let decades = Int(ceil(ylo - 1e-9))...Int(floor(yhi + 1e-9))
            let every = max(1, Int(ceil(Double(decades.count) / Double(max(1, plot.height / 2)))))
            for k in decades where (k - decades.lowerBound) % every == 0 {
                let dot = Int(((yhi - Double(k)) / (yhi - ylo) * Double(ph - 1)).rounded())
                let row = min(plot.height - 1, max(0, dot / dotsPerRow))
                if !ticks.contains(where: { $0.row == row }) { ticks.append((row, pow(10, Double(k)))) }
            }
        }
        let flat = flatValue(buckets)
        if ticks.count < 2 {
            // Round numbers (1, 2 or 5 × 10^k apart), and the value of a flat line beside it (lr 0.001 reads 0.001,
            // not the 9.6e-04 of its row's centre).
            ticks = roundTicks(ylo: ylo, yhi: yhi, rows: plot.height, dotsPerRow: dotsPerRow, pixelHeight: ph, flat: flat)
            round = !ticks.isEmpty
        }
        if ticks.isEmpty || (ticks.count < 2 && flat == nil) {
            round = false
            let rows = plot.height >= 6 ? [0, plot.height / 2, plot.height - 1] : [0, plot.height - 1]
            ticks = rows.map { row in
                let dot = row == 0 ? 0 : (row == plot.height - 1 ? ph - 1 : row * dotsPerRow + (ascii ? 0 : 2))
                return (row, logY ? pow(10, value(atDot: dot)) : value(atDot: dot))
            }
        }
        let labels = round ? ticks.map { SeriesMath.roundLabel($0.value) } : SeriesMath.axisLabels(ticks.map(\.value))
        for (row, label) in zip(ticks.map(\.row), labels) {
            grid.text(String(label.prefix(labelWidth)).leftPadded(labelWidth), x: r.x, y: plot.y + row, style: text)
        }
        let axisY = r.maxY - 1
        grid.text(xLabel(xlo), x: plot.x, y: axisY, style: text)
        let right = xLabel(xhi)
        grid.text(right, x: plot.maxX - right.count, y: axisY, style: text)
        if plot.width > 30 {
            let mid = xLabel((xlo + xhi) / 2)
            grid.text(mid, x: plot.x + plot.width / 2 - mid.count / 2, y: axisY, style: text)
        }
    }
}

extension String {
    /// Pads on the left with spaces to `n` columns.
    public func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    /// Pads on the right with spaces to `n` columns, truncating longer strings.
    public func rightPadded(_ n: Int) -> String { count >= n ? String(prefix(n)) : self + String(repeating: " ", count: n - count) }
}
