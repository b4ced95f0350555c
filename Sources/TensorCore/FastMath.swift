/// Vectorised elementary functions for Float32 lanes.
public enum FastMath {
    /// e^v for v ≤ 0 (Cephes expf: range reduction by ln 2, degree-6 polynomial; relative error ≈ 2e-7).
    /// Inputs below −87 give ≈ 1.6e-38 instead of denormals.
    @inlinable @inline(__always)
    public static func expNonPositive(_ v: SIMD8<Float>) -> SIMD8<Float> {
        // max(v, −87) as Swift.max has it (−87 where −87 ≥ v; a NaN stays), written as a masked replace: the
        // generic pointwiseMax was a call per vector in the loss's hot loop.
        let floor = SIMD8<Float>(repeating: -87)
        var x = v
        x.replace(with: floor, where: v .<= floor)
        // n = round(x / ln 2) with the 1.5·2^23 trick: the integer lands in the low mantissa bits.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * r * r + r + 1
        // 2^n from the integer bits of `shifted`.
        let bits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD8<Float>.self)
        return p * scale
    }
}
