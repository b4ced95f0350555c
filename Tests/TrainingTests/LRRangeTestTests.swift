import Foundation
import Testing
@testable import RunControl
@testable import Training

@Suite struct LRRangeTestTests {
    @Test func rampsMatchPytorchLRFinder() {
        var t = LRRangeTest()
        t.start = 1e-4; t.end = 1; t.steps = 5
        // Exponential: start·(end/start)^(i/(n−1)) → 1e-4, 1e-3, 1e-2, 1e-1, 1.
        for (i, want) in [1e-4, 1e-3, 1e-2, 1e-1, 1].enumerated() { #expect(abs(t.lr(at: i) - want) < 1e-12 * max(1, want)) }
        t.mode = .linear
        #expect(abs(t.lr(at: 2) - (1e-4 + (1 - 1e-4) * 0.5)) < 1e-15)
    }

    @Test func smoothingAndDivergenceStop() {
        var t = LRRangeTest()
        t.steps = 100; t.smoothing = 1   // no smoothing: the rule is plain to see
        var r = LRRangeTest.Result()
        #expect(t.record(10, lr: 1, into: &r) && t.record(8, lr: 2, into: &r) && t.record(6, lr: 3, into: &r))
        #expect(t.record(30, lr: 4, into: &r))          // 30 = 5 × 6: not yet above
        #expect(!t.record(31, lr: 5, into: &r) && r.diverged)
        // pytorch-lr-finder's smoothing: s_i = 0.05·loss_i + 0.95·s_{i−1}.
        var u = LRRangeTest(); u.steps = 10
        var q = LRRangeTest.Result()
        _ = u.record(10, lr: 1, into: &q); _ = u.record(20, lr: 2, into: &q)
        #expect(abs(q.smoothed[1] - (0.05 * 20 + 0.95 * 10)) < 1e-12)
        // The test also ends after `steps` points without diverging.
        var v = LRRangeTest(); v.steps = 2
        var w = LRRangeTest.Result()
        #expect(v.record(1, lr: 1, into: &w) && !v.record(1, lr: 2, into: &w) && !w.diverged)
    }

    @Test func suggestionsOnAKnownCurve() {
        // 40 points: flat 10 for 10, falling for 20 (steepest at index 20), flat 2 for 5, then rising.
        var y: [Double] = []
        for i in 0..<40 {
            switch i {
            case 0..<10: y.append(10)
            case 10..<30: y.append(10 - 8 * (1 - cos(Double.pi * Double(i - 10) / 20)) / 2)
            case 30..<35: y.append(2)
            default: y.append(2 + Double(i - 34))
            }
        }
        let lrs = (0..<40).map { pow(10, -5 + Double($0) / 10) }
        let s = LRRangeTest.suggest(lrs: lrs, losses: y, smoothed: y)
        #expect(s.steepest == lrs[20])
        // valley and minimum/10 come from fastai's own pipeline (see FastaiSuggestionTests).
        let f = FastaiSuggestionTests.reference(lrs: lrs, losses: y, numIt: 40)
        #expect(s.valley == f.valley && s.minimumOverTen == f.minimum)
        // Cyclic bounds from the centred 3-point average: its minimum 2 is first reached at index 31
        // ((2 + 2 + 2)/3; index 30 averages in 2.049). It starts to fall below 10 − 0.05·(10 − 2) = 9.6 where
        // the average first does.
        var avg: [Double] = []
        for i in 0..<40 {
            let lo = max(0, i - 1), hi = min(39, i + 1)
            let window: [Double] = Array(y[lo...hi])
            avg.append(window.reduce(0, +) / Double(window.count))
        }
        let iBase = avg.firstIndex { $0 < 9.6 }!
        #expect(s.cyclicBase == lrs[iBase] && s.cyclicMax == lrs[31])
    }

    @Test func numpyGradient() {
        #expect(LRRangeTest.gradient([1, 4, 9, 16]) == [3, 4, 6, 7])
    }

    /// The test leaves no trace: afterwards the trainer continues exactly as if it had never run.
    @Test func weightsAndStateAreRestored() throws {
        let cfg = tinyConfig { $0.epochs = 2 }
        let a = try Trainer(config: cfg, data: tinyData, directory: nil)
        a.step(); a.step()
        let before = a.model.params.values.array
        var test = LRRangeTest(); test.steps = 12; test.start = 1e-5; test.end = 1
        var points = 0
        let r = a.findLR(test) { _ in points += 1 }
        #expect(r.lrs.count == points && points > 3)
        #expect(a.model.params.values.array == before && a.stepsDone == 2 && a.knobs.lrMultiplier == 1)
        a.run()
        let b = try Trainer(config: cfg, data: tinyData, directory: nil)
        b.run()
        #expect(a.model.params.values.array == b.model.params.values.array)
    }
}


/// fastai's `lr_find` suggestions against a literal port of its published code (fastai/callback/schedule.py:
/// AvgSmoothLoss β = 0.98 as recorded by the Recorder, the `[num_it//10:-5]` trim, the NaN cut, `valley`, `minimum`).
@Suite struct FastaiSuggestionTests {
    static func reference(lrs: [Double], losses: [Double], numIt: Int) -> (valley: Double?, minimum: Double?) {
        var recorded: [Double] = [], val = 0.0, count = 0.0
        for l in losses { count += 1; val = l + 0.98 * (val - l); recorded.append(val / (1 - pow(0.98, count))) }
        let lo = numIt / 10, hi = recorded.count - 5
        guard hi > lo else { return (nil, nil) }
        var x = Array(lrs[lo..<hi]), y = Array(recorded[lo..<hi])
        if let k = y.firstIndex(where: \.isNaN) { x = Array(x[..<k]); y = Array(y[..<k]) }
        guard !y.isEmpty else { return (nil, nil) }
        let n = y.count
        var maxStart = 0, maxEnd = 0
        var lds = Array(repeating: 1, count: n)
        if n > 1 {
            for i in 1..<n {
                for j in 0..<i {
                    if y[i] < y[j] && lds[i] < lds[j] + 1 { lds[i] = lds[j] + 1 }
                    if lds[maxEnd] < lds[i] { maxEnd = i; maxStart = maxEnd - lds[maxEnd] }
                }
            }
        }
        let sections = Double(maxEnd - maxStart) / 3
        let idx = maxStart + Int(sections) + Int(sections / 2)
        let iMin = y.indices.min { y[$0] < y[$1] }!
        return (x[idx], x[iMin] / 10)
    }

    @Test func matchesFastaiOnNoisyCurves() {
        var state: UInt64 = 11
        func noise() -> Double { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return Double(state % 1000) / 1000 - 0.5 }
        for numIt in [40, 100, 137] {
            for diverge in [false, true] {
                let n = diverge ? numIt * 3 / 4 : numIt
                let lrs = (0..<n).map { 1e-7 * pow(1e8, Double($0) / Double(numIt - 1)) }
                var losses = lrs.indices.map { i -> Double in
                    let x = Double(i) / Double(numIt)
                    return 5 - 3 * (1 - cos(Double.pi * min(1, x * 1.4))) / 2 + (x > 0.7 ? 40 * (x - 0.7) * (x - 0.7) : 0) + 0.3 * noise()
                }
                if diverge { losses[n - 8] = .nan }
                let s = LRRangeTest.suggest(lrs: lrs, losses: losses, smoothed: losses, planned: numIt)
                let want = Self.reference(lrs: lrs, losses: losses, numIt: numIt)
                #expect(s.valley == want.valley && s.minimumOverTen == want.minimum, "num_it \(numIt) diverge \(diverge)")
            }
        }
    }
}

/// `lr-find --like fastai` against fastai's own `lr_find` arithmetic run by torch on 43 generated curves (falling,
/// valleys, divergence at several points, noise, NaN, a plateau of equal losses, one falling all the way, one whose
/// longest decreasing run is the first two kept points): `scripts/fastai-lr-find-reference.py` wrote the fixture.
@Suite struct FastaiLRFindTests {
    struct Cases: Decodable {
        struct Case: Decodable { let losses: [Double?]; let recorded: Int; let valley, minimum, steep: Double? }
        let cases: [Case]
    }

    @Test func suggestionsEqualFastaisToTheBit() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fastai-lr-find.json")
        let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: url)).cases
        #expect(cases.count == 43)
        var test = LRRangeTest()
        test.style = .fastai; test.divergeThreshold = LRRangeTest.divergeThreshold(.fastai)
        #expect(test.start == 1e-7 && test.end == 10 && test.steps == 100)
        for (k, c) in cases.enumerated() {
            var r = LRRangeTest.Result()
            var i = 0
            while i < c.losses.count {
                let more = test.record(c.losses[i] ?? .nan, lr: test.lr(at: i), into: &r)
                i += 1
                if !more { break }
            }
            let s = test.suggestions(for: r)
            #expect(r.lrs.count == c.recorded, "case \(k): recorded \(r.lrs.count), fastai \(c.recorded)")
            #expect(s.valley == c.valley && s.minimumOverTen == c.minimum && s.steepest == c.steep,
                    "case \(k): valley \(s.valley ?? 0) / \(c.valley ?? 0), minimum \(s.minimumOverTen ?? 0) / \(c.minimum ?? 0), steep \(s.steepest ?? 0) / \(c.steep ?? 0)")
        }
        // The degenerate valley: fastai's index −1 is the last kept lr; the pytorch-lr-finder style reads it the same way.
        let last = cases[42]
        #expect(last.valley == Double(Float(test.lr(at: last.recorded - 6))))
        #expect(LRRangeTest.valley(lrs: [1, 2, 3, 4], losses: [5, 4, 6, 7]) == 4)
    }
}
