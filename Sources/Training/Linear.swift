import TensorCore

/// A fully connected layer y = x·Wᵀ + b with PyTorch's layout (W is out × in) and initialisation.
public struct Linear: Sendable {
    public let inFeatures: Int
    public let outFeatures: Int
    /// Offset of W (out × in) in the parameter store.
    public let weight: Int
    /// Offset of b (out) in the parameter store.
    public let bias: Int

    public init(inFeatures: Int, outFeatures: Int, weight: Int, bias: Int) {
        self.inFeatures = inFeatures; self.outFeatures = outFeatures; self.weight = weight; self.bias = bias
    }

    /// PyTorch's default: W, b ~ U(−1/√in, 1/√in) (kaiming_uniform with a = √5).
    public func initialize<T: Real>(_ p: UnsafeMutablePointer<T>, rng: inout RandomSource) {
        let bound = 1 / Double(inFeatures).squareRoot()
        for i in 0..<(inFeatures * outFeatures) { p[weight + i] = T((rng.nextUniform() * 2 - 1) * bound) }
        for i in 0..<outFeatures { p[bias + i] = T((rng.nextUniform() * 2 - 1) * bound) }
    }

    /// y[B×out] = x[B×in]·Wᵀ + b.
    @_specialize(exported: true, where T == Float)
    @inlinable public func forward<T: Real>(_ p: UnsafePointer<T>, x: UnsafePointer<T>, y: UnsafeMutablePointer<T>, batch: Int) {
        T.gemm(transA: false, transB: true, m: batch, n: outFeatures, k: inFeatures,
               alpha: 1, a: x, lda: inFeatures, b: p + weight, ldb: inFeatures, beta: 0, c: y, ldc: outFeatures)
        Kernels.addRowVector(y, p + bias, rows: batch, cols: outFeatures)
    }

    /// Given dy[B×out]: dW = dyᵀ·x, db = Σ_rows dy (both overwritten), and dx[B×in] = dy·W
    /// (overwritten, or added to when `accumulateInput`; skipped when `dx` is nil).
    @_specialize(exported: true, where T == Float)
    @inlinable public func backward<T: Real>(
        _ p: UnsafePointer<T>, _ g: UnsafeMutablePointer<T>, x: UnsafePointer<T>, dy: UnsafePointer<T>,
        dx: UnsafeMutablePointer<T>?, accumulateInput: Bool = false, batch: Int
    ) {
        T.gemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: batch,
               alpha: 1, a: dy, lda: outFeatures, b: x, ldb: inFeatures, beta: 0, c: g + weight, ldc: inFeatures)
        (g + bias).update(repeating: 0, count: outFeatures)
        Kernels.accumulateColumnSums(dy, g + bias, rows: batch, cols: outFeatures)
        if let dx {
            T.gemm(transA: false, transB: false, m: batch, n: inFeatures, k: outFeatures,
                   alpha: 1, a: dy, lda: outFeatures, b: p + weight, ldb: inFeatures,
                   beta: accumulateInput ? 1 : 0, c: dx, ldc: inFeatures)
        }
    }
}
