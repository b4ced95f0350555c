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
                var mn = Double.infinity, mx = -Double.infinity
                var i = start
                while i < end {
                    let v = y[i]
                    if v >= floor && v < .infinity { if v < mn { mn = v }; if v > mx { mx = v } }
                    i += 1
                }
                if mn <= mx { out[b] = (mn, mx) }
                start = end
            }
        }
        return out
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

    public static func label(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e5 || a < 1e-2 { return String(format: "%.1e", v) }
        if a >= 100 { return String(format: "%.0f", v) }
        if a >= 10 { return String(format: "%.1f", v) }
        return String(format: "%.3g", v)
    }
}
