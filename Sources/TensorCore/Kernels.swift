/// Element-wise kernels on raw pointers. They never allocate.
public enum Kernels {
    /// y[i] = max(0, x[i]); may be in place.
    @_specialize(exported: true, where T == Float)
    @inlinable public static func relu<T: Real>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
        for i in 0..<n { let v = x[i]; y[i] = v > 0 ? v : 0 }
    }

    /// dx[i] = y[i] > 0 ? dy[i] : 0 — ReLU backward from the activation; may be in place.
    @_specialize(exported: true, where T == Float)
    @inlinable public static func reluBackward<T: Real>(
        _ y: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ n: Int
    ) {
        if T.self == Float.self {
            // Explicit SIMD: dx may alias dy, which stops the auto-vectoriser.
            let yf = UnsafeRawPointer(y).assumingMemoryBound(to: Float.self)
            let dyf = UnsafeRawPointer(dy).assumingMemoryBound(to: Float.self)
            let dxf = UnsafeMutableRawPointer(dx).assumingMemoryBound(to: Float.self)
            var i = 0
            while i + 8 <= n {
                var d = V8.load(dyf + i)
                d.replace(with: 0, where: V8.load(yf + i) .<= 0)
                d.store(dxf + i)
                i += 8
            }
            while i < n { dxf[i] = yf[i] > 0 ? dyf[i] : 0; i += 1 }
            return
        }
        for i in 0..<n { dx[i] = y[i] > 0 ? dy[i] : 0 }
    }

    /// Adds the row vector `b` (length `cols`) to each of `rows` rows of `y`.
    @_specialize(exported: true, where T == Float)
    @inlinable public static func addRowVector<T: Real>(
        _ y: UnsafeMutablePointer<T>, _ b: UnsafePointer<T>, rows: Int, cols: Int
    ) {
        for r in 0..<rows {
            let row = y + r * cols
            for c in 0..<cols { row[c] += b[c] }
        }
    }

    /// db[c] += Σ_r dy[r, c] — the column sums of `dy`.
    @_specialize(exported: true, where T == Float)
    @inlinable public static func accumulateColumnSums<T: Real>(
        _ dy: UnsafePointer<T>, _ db: UnsafeMutablePointer<T>, rows: Int, cols: Int
    ) {
        for r in 0..<rows {
            let row = dy + r * cols
            for c in 0..<cols { db[c] += row[c] }
        }
    }

    /// Σ x[i]² accumulated in Double.
    @_specialize(exported: true, where T == Float)
    @inlinable public static func sumOfSquares<T: Real>(_ x: UnsafePointer<T>, _ n: Int) -> Double {
        var s0: T = 0, s1: T = 0, s2: T = 0, s3: T = 0
        var i = 0
        while i + 4 <= n {
            s0 += x[i] * x[i]; s1 += x[i + 1] * x[i + 1]
            s2 += x[i + 2] * x[i + 2]; s3 += x[i + 3] * x[i + 3]
            i += 4
        }
        var tail: T = 0
        while i < n { tail += x[i] * x[i]; i += 1 }
        return Double(s0) + Double(s1) + Double(s2) + Double(s3) + Double(tail)
    }

    /// x[i] *= a.
    @_specialize(exported: true, where T == Float)
    @inlinable public static func scale<T: Real>(_ x: UnsafeMutablePointer<T>, _ a: T, _ n: Int) {
        for i in 0..<n { x[i] *= a }
    }
}
