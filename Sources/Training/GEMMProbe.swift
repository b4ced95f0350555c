import Foundation
import TensorCore

/// The GEMM-only limit of a training step: the matrix products one step of this architecture runs (each layer's
/// forward y = x·Wᵀ, its weight gradient dW = dyᵀ·x and, but for the first layer, its input gradient dx = dy·W, in
/// the shapes and transposes `Linear` uses), timed alone on random data. No training can be faster than the products
/// it needs: `vaetop bench` reports its samples/s as a share of this.
package struct GEMMProbe {
    /// One product: C[m×n] = op(A)·op(B) with k the inner size.
    struct Product { let transA: Bool, transB: Bool, m: Int, n: Int, k: Int }

    let products: [Product]
    let batch: Int

    package init(architecture a: Architecture, batch: Int) {
        self.batch = batch
        var widths: [(Int, Int)] = []
        var prev = a.input
        for w in a.encoder { widths.append((prev, w)); prev = w }
        widths.append((prev, a.latent)); widths.append((prev, a.latent))        // μ and log σ² heads
        prev = a.latent
        for w in a.decoder { widths.append((prev, w)); prev = w }
        widths.append((prev, a.input))
        var p: [Product] = []
        for (i, (input, output)) in widths.enumerated() {
            p.append(Product(transA: false, transB: true, m: batch, n: output, k: input))      // y = x·Wᵀ
            p.append(Product(transA: true, transB: false, m: output, n: input, k: batch))      // dW = dyᵀ·x
            if i > 0 { p.append(Product(transA: false, transB: false, m: batch, n: input, k: output)) }   // dx = dy·W
        }
        products = p
    }

    /// Floating-point operations of one step (2·m·n·k per product) and per sample.
    package var flopsPerStep: Double { products.reduce(0) { $0 + 2 * Double($1.m * $1.n * $1.k) } }
    package var flopsPerSample: Double { flopsPerStep / Double(batch) }

    /// Runs the step's products for `seconds` (after a warm-up); the steps per second they allow.
    package func stepsPerSecond(seconds: Double) -> Double {
        let largest = products.map { max($0.m * $0.k, $0.k * $0.n, $0.m * $0.n) }.max() ?? 1
        let a = Buffer<Float>(count: largest), b = Buffer<Float>(count: largest), c = Buffer<Float>(count: largest)
        var rng = RandomSource(seed: 7)
        rng.fillNormal(a.base, largest); rng.fillNormal(b.base, largest)
        func step() {
            for q in products {
                let lda = q.transA ? q.m : q.k, ldb = q.transB ? q.k : q.n
                Float.gemm(transA: q.transA, transB: q.transB, m: q.m, n: q.n, k: q.k, alpha: 1, a: a.base, lda: lda,
                           b: b.base, ldb: ldb, beta: 0, c: c.base, ldc: q.n)
            }
        }
        for _ in 0..<10 { step() }
        var steps = 0
        let t0 = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            step(); steps += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        } while elapsed < seconds
        return Double(steps) / elapsed
    }
}
