/// Eight Float32 lanes (two SSE registers on baseline x86-64, one AVX register where available).
public typealias V8 = SIMD8<Float>

extension SIMD8 where Scalar == Float {
    /// Loads eight consecutive floats (no alignment needed).
    @inlinable @inline(__always) public static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    /// Loads eight consecutive floats (no alignment needed).
    @inlinable @inline(__always) public static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    /// Stores eight consecutive floats (no alignment needed).
    @inlinable @inline(__always) public func store(_ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: self, as: SIMD8<Float>.self)
    }
}
