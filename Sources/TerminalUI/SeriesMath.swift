import Foundation

/// Smoothing and downsampling of scalar series, as TensorBoard's scalar dashboard does them.
public enum SeriesMath {
    /// TensorBoard's debiased exponential moving average: last ← w·last + (1 − w)·y, shown as
    /// last / (1 − w^n) after n finite values; non-finite values are passed through unchanged.
    public static func debiasedEMA(_ ys: [Double], weight w: Double) -> [Double] {
        var state = EMAState(weight: w)
        return ys.map { state.next($0) }
    }

    /// The running state of `debiasedEMA`, for series that grow one value at a time.
    public struct EMAState: Sendable {
        public let weight: Double
        var last = 0.0
        var wn = 1.0   // w^n, kept as a running product
        public init(weight: Double) { self.weight = weight }

        /// The smoothed value for the next raw value (non-finite values pass through).
        public mutating func next(_ y: Double) -> Double {
            guard weight > 0, y.isFinite else { return y }
            last = last * weight + (1 - weight) * y
            wn *= weight
            return weight == 1 ? last : last / (1 - wn)
        }
    }

    /// For `buckets` equal slices of [lo, hi] on the x axis, the min and max of the finite y values
    /// whose x falls in each (nil for an empty slice). Spikes survive any amount of downsampling.
    /// With `positiveOnly`, values ≤ 0 are left out (for log axes). xs must be ascending.
    public static func minMaxBuckets(xs: [Double], ys: [Double], lo: Double, hi: Double, buckets: Int,
                                     positiveOnly: Bool = false) -> [(Double, Double)?] {
        var out = [(Double, Double)?](repeating: nil, count: max(0, buckets))
        guard buckets > 0, !xs.isEmpty else { return out }
        let floor = positiveOnly ? Double.leastNonzeroMagnitude : -Double.infinity
        guard hi > lo else {
            if let i = ys.indices.last(where: { ys[$0].isFinite && ys[$0] >= floor }) { out[buckets - 1] = (ys[i], ys[i]) }
            return out
        }
        ys.withUnsafeBufferPointer { y in
            var start = lowerBound(xs, lo)
            let width = (hi - lo) / Double(buckets)
            for b in 0..<buckets {
                // Slice b holds lo + b·width ≤ x < lo + (b+1)·width; the last slice includes hi.
                let edge = b == buckets - 1 ? hi.nextUp : lo + width * Double(b + 1)
                let end = lowerBound(xs, edge, from: start)
                let (mn, mx) = extremes(y, start, end, floor: floor)
                if mn <= mx { out[b] = (mn, mx) }
                start = end
            }
        }
        return out
    }

    /// The min and max of `y[start..<end]` over the values that are ≥ `floor` and finite (NaN and ±inf left out);
    /// (inf, −inf) when there are none. This loop is most of a frame's drawing time: the common case (no value
    /// infinite or below the floor) runs as plain min/max, which skip NaN, over two lanes; the rare rest is re-read.
    @inline(__always)
    static func extremes(_ y: UnsafeBufferPointer<Double>, _ start: Int, _ end: Int, floor: Double) -> (Double, Double) {
        let base = y.baseAddress!
        var mn0 = Double.infinity, mx0 = -Double.infinity, mn1 = Double.infinity, mx1 = -Double.infinity
        var i = start
        while i + 2 <= end {
            // `Swift.min(a, b)` is `b < a ? b : a`: a NaN in b never wins, and neither does it in max.
            mn0 = Swift.min(mn0, base[i]); mx0 = Swift.max(mx0, base[i])
            mn1 = Swift.min(mn1, base[i + 1]); mx1 = Swift.max(mx1, base[i + 1])
            i += 2
        }
        if i < end { mn0 = Swift.min(mn0, base[i]); mx0 = Swift.max(mx0, base[i]) }
        let mn = Swift.min(mn0, mn1), mx = Swift.max(mx0, mx1)
        if mn >= floor && mx < .infinity && mn > -.infinity { return (mn, mx) }
        // An infinity or a value below the floor (a log axis's zeros): the careful loop.
        var lo = Double.infinity, hi = -Double.infinity
        for k in start..<end {
            let v = base[k]
            if v >= floor && v < .infinity { if v < lo { lo = v }; if v > hi { hi = v } }
        }
        return (lo, hi)
    }

    /// First index with xs[i] ≥ x (xs ascending).
    public static func lowerBound(_ xs: [Double], _ x: Double, from: Int = 0) -> Int {
        var lo = from, hi = xs.count
        while lo < hi { let m = (lo + hi) / 2; if xs[m] < x { lo = m + 1 } else { hi = m } }
        return lo
    }

    /// A short label: 3 significant digits, scientific for very small or large magnitudes.
    /// A step number as an axis shows it: a whole number ("91", never "91.5"), in thousands from 100,000 ("250k").
    public static func stepLabel(_ v: Double) -> String {
        guard v.isFinite else { return label(v) }
        let n = Int(v.rounded())
        if abs(n) >= 100_000 { return abs(n) % 1000 == 0 || abs(n) >= 10_000_000 ? "\(n / 1000)k" : String(format: "%.1fk", Double(n) / 1000) }
        return String(n)
    }

    /// Labels for the ticks of one axis, in one style: exponents for all of them or for none.
    public static func axisLabels(_ values: [Double]) -> [String] {
        let finite = values.filter { $0.isFinite && $0 != 0 }.map(abs)
        let exponent = finite.contains { $0 < 1e-2 || $0 >= 1e5 }
        // The same number of decimals (or of significant digits, in exponent form) on every tick of the axis, as few
        // as keep neighbouring ticks apart.
        for digits in 0...4 {
            let labels = values.map { v -> String in
                guard v.isFinite else { return label(v) }
                if v == 0 { return "0" }
                let text = exponent ? String(format: "%.\(digits)e", v) : String(format: "%.\(digits)f", v)
                // A small negative rounded to nothing is 0, not "-0".
                return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
            }
            if zip(labels, labels.dropFirst()).allSatisfy({ $0 != $1 }) || digits == 4 { return labels }
        }
        return values.map(label)
    }

    /// A round tick's number with the fewest digits that give it back ("1e-03", "1.2e-03", "0.05", "200").
    public static func roundLabel(_ v: Double) -> String {
        guard v.isFinite, v != 0 else { return label(v) }
        let exponent = abs(v) < 1e-2 || abs(v) >= 1e5
        for digits in 0...4 {
            let text = printfText(v, decimals: digits, exponent: exponent)
                ?? (exponent ? String(format: "%.\(digits)e", v) : String(format: "%.\(digits)f", v))
            if let back = Double(text), abs(back - v) <= 1e-6 * abs(v) { return text }   // float32 values (an lr of 0.0010000000475) too
        }
        return label(v)
    }

    /// `String(format: "%.{decimals}f" or "%.{decimals}e", v)` by integer arithmetic (labels are formatted dozens of
    /// times a frame, and Foundation's formatting was an eighth of it); nil near a rounding tie, where printf's exact
    /// binary rounding decides, and for numbers too large to write this way.
    static func printfText(_ v: Double, decimals d: Int, exponent: Bool) -> String? {
        let a = abs(v)
        guard v.isFinite, d >= 0, d <= 6 else { return nil }
        var e = exponent && a > 0 ? Int(floor(log10(a))) : 0
        let mantissa = exponent ? a / pow(10, Double(e)) : a
        let p = pow(10, Double(d)), scaled = mantissa * p
        guard scaled < 1e15, abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else { return nil }
        var m = scaled.rounded()
        if exponent && a > 0 {
            if m >= 10 * p { m = (m / 10).rounded(); e += 1 }
            if m < p { return nil }   // log10 rounded below the true exponent: leave it to printf
        }
        var digits = String(Int64(m))
        if d > 0 {
            if digits.count <= d { digits = String(repeating: "0", count: d + 1 - digits.count) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -d))
        }
        var text = (v.sign == .minus ? "-" : "") + digits
        if exponent { text += (e < 0 ? "e-" : "e+") + (abs(e) < 10 ? "0" : "") + String(abs(e)) }
        return text
    }

    /// `String(format: "%.3g", v)` for 1e-2 ≤ |v| < 1e5 by integer arithmetic (nil near a tie).
    static func threeSignificant(_ v: Double) -> String? {
        let a = abs(v)
        guard a >= 1e-2, a < 1e5 else { return nil }
        var e = Int(floor(log10(a)))
        let p = pow(10, Double(2 - e))
        let scaled = a * p
        guard abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else { return nil }
        if scaled.rounded() >= 1000 { e += 1 }
        guard e < 3, e >= -4 else { return nil }
        guard var text = printfText(v, decimals: max(0, 2 - e), exponent: false) else { return nil }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    public static func label(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e5 || a < 1e-2 { return printfText(v, decimals: 1, exponent: true) ?? String(format: "%.1e", v) }
        if a >= 100 { return printfText(v, decimals: 0, exponent: false) ?? String(format: "%.0f", v) }
        if a >= 10 { return printfText(v, decimals: 1, exponent: false) ?? String(format: "%.1f", v) }
        return threeSignificant(v) ?? String(format: "%.3g", v)
    }
}
