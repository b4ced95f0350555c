import Foundation
import TensorCore
import Testing

@Suite struct RandomSourceTests {
    @Test func sameSeedSameStream() {
        var a = RandomSource(seed: 42), b = RandomSource(seed: 42), c = RandomSource(seed: 43)
        let xa = (0..<100).map { _ in a.next() }, xb = (0..<100).map { _ in b.next() }, xc = (0..<100).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
    }

    @Test func stateRoundTripsThroughCodable() throws {
        var a = RandomSource(seed: 9)
        _ = a.nextNormal()   // leaves a spare normal cached
        let data = try JSONEncoder().encode(a)
        var b = try JSONDecoder().decode(RandomSource.self, from: data)
        #expect(a == b)
        #expect((0..<10).map { _ in a.nextNormal() } == (0..<10).map { _ in b.nextNormal() })
    }

    @Test func normalsHaveUnitMoments() {
        var r = RandomSource(seed: 1)
        let n = 200_000
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let x = r.nextNormal(); s += x; s2 += x * x }
        #expect(abs(s / Double(n)) < 0.01)
        #expect(abs(s2 / Double(n) - 1) < 0.01)
    }

    @Test func shuffleIsAPermutation() {
        var r = RandomSource(seed: 5)
        var idx = Array(0..<1000)
        r.shuffle(&idx)
        #expect(idx != Array(0..<1000))
        #expect(idx.sorted() == Array(0..<1000))
    }
}

@Suite struct ParallelTests {
    @Test func chunksCoverEveryIndexOnce() {
        let n = 300_001
        let hits = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        hits.initialize(repeating: 0, count: n)
        defer { hits.deallocate() }
        Parallel.threads = 2
        defer { Parallel.threads = 1 }
        Parallel.chunks(n) { lo, hi in for i in lo..<hi { hits[i] += 1 } }
        #expect((0..<n).allSatisfy { hits[$0] == 1 })
    }

    @Test func kernelsMatchScalarDefinitions() {
        let y: [Float] = (0..<37).map { Float($0 % 5) - 2 }
        var d: [Float] = (0..<37).map { Float($0) }
        let want = zip(y, d).map { $0 > 0 ? $1 : 0 }
        y.withUnsafeBufferPointer { yp in d.withUnsafeMutableBufferPointer { dp in
            Kernels.reluBackward(yp.baseAddress!, dp.baseAddress!, dp.baseAddress!, 37)
        } }
        #expect(d == want)
        let x: [Float] = [1, 2, .nan]
        #expect(x.withUnsafeBufferPointer { Kernels.sumOfSquares($0.baseAddress!, 2) } == 5)
    }
}
