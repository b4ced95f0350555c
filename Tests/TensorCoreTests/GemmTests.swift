import TensorCore
import Testing

/// The BLAS wrapper against a naive triple loop, for every transpose combination.
@Suite struct GemmTests {
    func naive(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int, ta: Bool, tb: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k {
            let av = ta ? a[p * m + i] : a[i * k + p]
            let bv = tb ? b[j * k + p] : b[p * n + j]
            c[i * n + j] += av * bv
        } } }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaive(ta: Bool, tb: Bool) {
        let m = 5, n = 7, k = 3
        var rng = RandomSource(seed: 3)
        let a = (0..<(m * k)).map { _ in rng.nextUniform() - 0.5 }
        let b = (0..<(k * n)).map { _ in rng.nextUniform() - 0.5 }
        var c = [Double](repeating: 1, count: m * n)
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
            Double.gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: ap.baseAddress!, lda: ta ? m : k,
                        b: bp.baseAddress!, ldb: tb ? k : n, beta: 0, c: cp.baseAddress!, ldc: n)
        } } }
        let want = naive(a, b, m: m, n: n, k: k, ta: ta, tb: tb)
        for i in 0..<(m * n) { #expect(abs(c[i] - want[i]) < 1e-12) }

        let af = a.map(Float.init), bf = b.map(Float.init)
        var cf = [Float](repeating: 0, count: m * n)
        af.withUnsafeBufferPointer { ap in bf.withUnsafeBufferPointer { bp in cf.withUnsafeMutableBufferPointer { cp in
            Float.gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: ap.baseAddress!, lda: ta ? m : k,
                       b: bp.baseAddress!, ldb: tb ? k : n, beta: 0, c: cp.baseAddress!, ldc: n)
        } } }
        for i in 0..<(m * n) { #expect(abs(Double(cf[i]) - want[i]) < 1e-5) }
    }
}
