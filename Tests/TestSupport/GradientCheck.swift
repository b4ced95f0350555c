import TensorCore

/// Finite-difference gradient checking in Double.
public enum GradientCheck {
    /// Central difference (f(x + h) − f(x − h)) / 2h of `f` with respect to `p[index]`.
    public static func numeric(_ p: UnsafeMutablePointer<Double>, _ index: Int, h: Double = 1e-6, _ f: () -> Double) -> Double {
        let saved = p[index]
        p[index] = saved + h
        let up = f()
        p[index] = saved - h
        let down = f()
        p[index] = saved
        return (up - down) / (2 * h)
    }

    /// The worst relative error |a − n| / max(|a| + |n|, floor) over the indices.
    public static func worstRelativeError(analytic: [Double], numeric: [Double], floor: Double = 1e-7) -> Double {
        zip(analytic, numeric).map { abs($0 - $1) / max(abs($0) + abs($1), floor) }.max() ?? 0
    }

    /// Deterministic values in [-scale, scale].
    public static func fill(_ p: UnsafeMutablePointer<Double>, _ n: Int, seed: UInt64, scale: Double = 1) {
        var rng = RandomSource(seed: seed)
        for i in 0..<n { p[i] = (rng.nextUniform() * 2 - 1) * scale }
    }
}
