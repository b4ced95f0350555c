import Foundation

/// Smoothing and downsampling of scalar series, as TensorBoard's scalar dashboard does them.
public enum SeriesMath {
    /// TensorBoard's debiased exponential moving average: last ← w·last + (1 − w)·y, shown as
    /// last / (1 − w^n) after n finite values; non-finite values are passed through unchanged.
    public static func debiasedEMA(_ ys: [Double], weight w: Double) -> [Double] {
        guard w > 0 else { return ys }
        var out = ys
        var last = 0.0
        var n = 0.0
        for i in ys.indices where ys[i].isFinite {
            last = last * w + (1 - w) * ys[i]
            n += 1
            let debias = w == 1 ? 1 : 1 - pow(w, n)
            out[i] = last / debias
        }
        return out
    }

    /// For `buckets` equal slices of [lo, hi] on the x axis, the min and max of the finite y values
    /// whose x falls in each (nil for an empty slice). Spikes survive any amount of downsampling.
    public static func minMaxBuckets(xs: [Double], ys: [Double], lo: Double, hi: Double, buckets: Int) -> [(Double, Double)?] {
        var out = [(Double, Double)?](repeating: nil, count: max(0, buckets))
        guard buckets > 0, hi > lo else {
            if buckets > 0, let i = ys.indices.last(where: { ys[$0].isFinite }) { out[buckets - 1] = (ys[i], ys[i]) }
            return out
        }
        let scale = Double(buckets) / (hi - lo)
        var start = lowerBound(xs, lo)
        while start < xs.count && xs[start] <= hi {
            let y = ys[start]
            if y.isFinite {
                let b = min(buckets - 1, max(0, Int((xs[start] - lo) * scale)))
                if let (a, c) = out[b] { out[b] = (min(a, y), max(c, y)) } else { out[b] = (y, y) }
            }
            start += 1
        }
        return out
    }

    /// First index with xs[i] ≥ x (xs ascending).
    public static func lowerBound(_ xs: [Double], _ x: Double) -> Int {
        var lo = 0, hi = xs.count
        while lo < hi { let m = (lo + hi) / 2; if xs[m] < x { lo = m + 1 } else { hi = m } }
        return lo
    }

    /// A short label: 3 significant digits, scientific for very small or large magnitudes.
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
