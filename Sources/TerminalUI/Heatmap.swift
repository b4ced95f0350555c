import Foundation

/// Rows of values over time as shaded cells: one latent dimension per row (two with half blocks when space is
/// short), time left to right, each row labelled with its own dimension number(s) and a step axis underneath.
public struct Heatmap {
    /// Column-major history: `columns[t][dim]`.
    public var columns: [[Float]]
    /// Steps of the columns (ascending), for the x range.
    public var steps: [Double]
    /// Log shading (default: KL spans decades).
    public var logScale: Bool
    /// Dimensions marked as collapsed (their label in the "collapsed" colour).
    public var flagged: Set<Int>
    /// ASCII only: a character ramp instead of blocks.
    public var ascii: Bool
    /// No colour (NO_COLOR): the character ramp, so shades stay visible.
    public var monochrome = false
    /// x range shown; nil means all columns.
    public var xRange: ClosedRange<Double>?
    /// The dimensions drawn, top to bottom (nil: every dimension in index order).
    public var rows: [Int]?
    /// Dimensions per text row: 1, or 2 with half blocks (nil: 2 only when they do not fit one per row).
    public var perRow: Int?
    /// The selected dimension (its label is highlighted).
    public var selected: Int?
    /// Draw a step axis on the last row.
    public var timeAxis = true
    /// The shading's range in value units (nil: computed from `columns`).
    public var range: (lo: Double, hi: Double)?
    /// A difference (values on both sides of 0): shaded from the background towards `negative` below 0 and towards
    /// `positive` above, linearly up to `range.hi` (the largest |value|); characters give the sign without colour.
    public var diverging: (negative: Color, positive: Color)?

    /// The characters of a difference without colour, by strength (weak, strong), below and above 0.
    public static let divergingGlyphs: (negative: [Unicode.Scalar], positive: [Unicode.Scalar]) = (["-", "="], ["+", "#"])

    /// The difference character for t in -1…1 (a space near 0).
    public static func divergingGlyph(_ t: Double) -> Unicode.Scalar {
        let a = abs(t)
        guard a >= 0.1 else { return " " }
        let glyphs = t < 0 ? divergingGlyphs.negative : divergingGlyphs.positive
        return glyphs[a < 0.5 ? 0 : 1]
    }

    public init(columns: [[Float]], steps: [Double], logScale: Bool = true, flagged: Set<Int> = [], ascii: Bool = false,
                xRange: ClosedRange<Double>? = nil) {
        self.columns = columns; self.steps = steps; self.logScale = logScale; self.flagged = flagged
        self.ascii = ascii; self.xRange = xRange
    }

    /// The shading ramp without colour, lightest first.
    public static let ramp: [Unicode.Scalar] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// The ramp's character for a shade t in 0…1.
    public static func rampGlyph(_ t: Double) -> Unicode.Scalar { ramp[(t * 9.99).clampedInt(0...9)] }

    /// Values below this are drawn as the floor on a log scale (KL in nats).
    public static let logFloor: Float = 1e-4

    /// The shade of a value before normalising (log10 on a log scale).
    static func shade(_ v: Float, log: Bool) -> Double { log ? log10(Double(max(v, logFloor))) : Double(v) }

    /// The range of the shading over (a sample of) the history, in value units: the legend's ends.
    public static func valueRange(_ columns: [[Float]], logScale: Bool) -> (lo: Double, hi: Double)? {
        // Extremes of the raw values first: the shade is monotonic, so only they need a log.
        var lo = Float.infinity, hi = -Float.infinity
        let stride = max(1, columns.count / 512)
        for t in Swift.stride(from: 0, to: columns.count, by: stride) {
            for v in columns[t] where v.isFinite { if v < lo { lo = v }; if v > hi { hi = v } }
        }
        guard lo.isFinite else { return nil }
        var a = shade(lo, log: logScale), b = shade(hi, log: logScale)
        if !(b > a) { b = a + 1 }
        return logScale ? (pow(10, a), pow(10, b)) : (a, b)
    }

    /// Label text of a row: "z07", or "06/07" for two dimensions (numbers padded to the widest dimension).
    public static func labels(_ dims: [Int], digits: Int) -> [String] {
        func pad(_ d: Int) -> String { let s = String(d); return String(repeating: "0", count: max(0, digits - s.count)) + s }
        return dims.count == 1 ? ["z" + pad(dims[0])] : dims.map(pad)
    }

    /// Digits of a dimension number in labels of `dimensions` dimensions (2 at least: "z07").
    public static func digits(dimensions: Int) -> Int { max(2, String(max(0, dimensions - 1)).count) }

    /// The label column's width for `perRow` dimensions per row (digits each, "z" or "/" and a space).
    public static func labelWidth(dimensions: Int, perRow: Int) -> Int {
        let digits = digits(dimensions: dimensions)
        return perRow == 2 ? 2 * digits + 2 : digits + 2
    }

    public func render(into grid: inout Grid, _ r: Rect, theme: Theme) {
        guard r.width > 5, r.height > 0, let count = columns.last?.count, count > 0, !steps.isEmpty else {
            if r.width > 16 && r.height > 0 { grid.text("waiting for data", x: r.x + 1, y: r.y, style: theme.style(.graphText)) }
            return
        }
        let useRamp = ascii || monochrome
        let axis = timeAxis && r.height >= 3 ? 1 : 0
        let textRows = r.height - axis
        let dims = (rows ?? Array(0..<count)).filter { $0 < count }
        let per = useRamp ? 1 : (perRow ?? (dims.count > textRows ? 2 : 1))
        let shownDims = Array(dims.prefix(textRows * per))
        let lines = (shownDims.count + per - 1) / per
        let digits = Self.digits(dimensions: count)
        let labelWidth = Self.labelWidth(dimensions: count, perRow: per)
        let width = r.width - labelWidth
        guard width > 0 else { return }
        let xlo = xRange?.lowerBound ?? steps.first!, xhi = max(xRange?.upperBound ?? steps.last!, xlo + 1)
        let range = self.range ?? Self.valueRange(columns, logScale: logScale) ?? (1, 10)
        // The colour scale sampled once per frame (101 steps, as `Theme.gradient` rounds them).
        let heat = useRamp ? [] : (0...100).map { theme.gradient(.heat, Double($0) / 100) }
        func color(_ t: Double) -> Color { heat[(t * 100).rounded().clampedInt(0...100)] }
        let lo = Self.shade(Float(range.lo), log: logScale), hi = max(Self.shade(Float(range.hi), log: logScale), lo + 1e-9)
        let spread = max(abs(range.lo), abs(range.hi), 1e-12)
        let divergingColors = diverging.map { d in
            (negative: (0...100).map { Color.mix(theme[.mainBg], d.negative, Double($0) / 100) },
             positive: (0...100).map { Color.mix(theme[.mainBg], d.positive, Double($0) / 100) })
        }
        func divergingColor(_ t: Double) -> Color {
            let i = (abs(t) * 100).rounded().clampedInt(0...100)
            return t < 0 ? divergingColors!.negative[i] : divergingColors!.positive[i]
        }
        // Labels: each dimension's number in its own style (collapsed in the alert colour, the selected one reversed).
        for line in 0..<lines {
            let group = Array(shownDims[(line * per)..<min(shownDims.count, line * per + per)])
            var x = r.x
            for (k, text) in Self.labels(group, digits: digits).enumerated() {
                let d = group.count == 1 ? group[0] : group[k]
                var style = flagged.contains(d) ? theme.style(.collapsed, [.bold]) : theme.style(.graphText)
                if d == selected { style = style.with(.reverse) }
                if k == 1 { x += grid.text("/", x: x, y: r.y + line, style: theme.style(.inactiveFg)) }
                x += grid.text(text, x: x, y: r.y + line, style: style)
            }
        }
        let background = theme[.mainBg], rampStyle = theme.style(.mainFg)
        // Each screen column shows the largest value among (a sample of) the steps that fall in it.
        var first = SeriesMath.lowerBound(steps, xlo)
        for c in 0..<width {
            let edge = xlo + (xhi - xlo) * Double(c + 1) / Double(width)
            let end = SeriesMath.lowerBound(steps, edge + 1e-9)
            // A column without a step of its own (fewer steps than columns) repeats the last step before it.
            let from: Int, lastIndex: Int
            if end > first { from = first; lastIndex = end } else if first > 0 { from = first - 1; lastIndex = first } else { continue }
            let sample = max(1, (lastIndex - from) / 8)
            func value(_ d: Int) -> Double? {
                if diverging != nil {
                    // A difference: the entry furthest from 0, signed, as a fraction of the largest |value|.
                    var best: Float = .nan
                    var i = from
                    while i < lastIndex {
                        let col = columns[i]
                        if d < col.count, col[d].isFinite, !(abs(col[d]) <= abs(best)) { best = col[d] }
                        i += sample
                    }
                    return best.isFinite ? max(-1, min(1, Double(best) / spread)) : nil
                }
                var m: Float = -.infinity
                var i = from
                while i < lastIndex { let col = columns[i]; if d < col.count, col[d] > m { m = col[d] }; i += sample }
                return m.isFinite ? (Self.shade(m, log: logScale) - lo) / (hi - lo) : nil
            }
            let x = r.x + labelWidth + c
            for line in 0..<lines {
                let y = r.y + line, d = shownDims[line * per]
                if diverging != nil && useRamp {
                    if let t = value(d) { grid[x, y] = Cell(Self.divergingGlyph(t), rampStyle) }
                } else if diverging != nil {
                    let top = value(d).map(divergingColor) ?? background
                    if per == 2 {
                        let below = line * per + 1 < shownDims.count ? value(shownDims[line * per + 1]) : nil
                        grid[x, y] = Cell("▀", Style(fg: top, bg: below.map(divergingColor) ?? background))
                    } else if value(d) != nil {
                        grid[x, y] = Cell("█", Style(fg: top, bg: background))
                    }
                } else if useRamp {
                    if let t = value(d) { grid[x, y] = Cell(Self.rampGlyph(t), rampStyle) }
                } else if per == 2 {
                    let top = value(d).map(color) ?? background
                    let below = line * per + 1 < shownDims.count ? value(shownDims[line * per + 1]) : nil
                    grid[x, y] = Cell("▀", Style(fg: top, bg: below.map(color) ?? background))
                } else if let t = value(d) {
                    grid[x, y] = Cell("█", Style(fg: color(t), bg: background))
                }
            }
            first = max(first, end)
        }
        if axis == 1 {
            // The step axis: first and last step under the cells, the middle one when there is room.
            let y = r.maxY - 1, text = theme.style(.graphText)
            let left = SeriesMath.stepLabel(xlo), right = SeriesMath.stepLabel(xhi)
            grid.text(left, x: r.x + labelWidth, y: y, style: text)
            grid.text(right, x: r.maxX - right.count, y: y, style: text)
            let mid = SeriesMath.stepLabel((xlo + xhi) / 2)
            let mx = r.x + labelWidth + width / 2 - mid.count / 2
            if width > left.count + right.count + mid.count + 4 { grid.text(mid, x: mx, y: y, style: text) }
        }
    }
}
