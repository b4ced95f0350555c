import Foundation
import Runs
import Testing
@testable import Training

/// Every lr schedule against PyTorch's values (TorchValues.swift), plus hand-derived edges.
@Suite struct LRScheduleTests {
    func schedule(_ base: Double = 0.1, momentum: Double = 0.9, total: Int = 100, _ edit: (inout LRScheduleConfig) -> Void) -> LRSchedule {
        var c = LRScheduleConfig()
        edit(&c)
        return LRSchedule(c, baseLR: base, totalSteps: total, momentum: momentum)
    }

    func expectSeries(_ s: LRSchedule, _ lr: [Double], momentum: [Double]? = nil) {
        for (t, want) in lr.enumerated() {
            #expect(abs(s.lr(at: t) - want) <= 1e-12 * max(1, abs(want)) + 1e-15, "lr at step \(t + 1): \(s.lr(at: t)) vs \(want)")
        }
        if let momentum {
            for (t, want) in momentum.enumerated() {
                #expect(abs(s.momentum(at: t) - want) <= 1e-12, "momentum at step \(t + 1): \(s.momentum(at: t)) vs \(want)")
            }
        }
    }

    @Test func constant() { expectSeries(schedule { _ in }, [0.1, 0.1, 0.1]) }

    @Test func stepLR() {
        expectSeries(schedule { $0.kind = .step; $0.stepSize = 3; $0.gamma = 0.5 }, TorchScheduleValues.stepLR, momentum: TorchScheduleValues.stepMomentum)
    }

    @Test func multiStep() {
        expectSeries(schedule { $0.kind = .multistep; $0.milestones = [2, 5]; $0.gamma = 0.1 }, TorchScheduleValues.multistepLR)
    }

    @Test func exponential() { expectSeries(schedule { $0.kind = .exponential; $0.gamma = 0.9 }, TorchScheduleValues.exponentialLR) }

    /// Past T_max the lr follows the cosine back up (period 2·T_max), as PyTorch's recursive form does.
    @Test func cosinePastTMax() {
        let s = schedule { $0.kind = .cosine; $0.tMax = 5; $0.etaMin = 0.01 }
        expectSeries(s, TorchScheduleValues.cosineLR)
        #expect(abs(s.lr(at: 5) - 0.01) < 1e-15)
        #expect(abs(s.lr(at: 10) - 0.1) < 1e-12)
    }

    @Test func warmRestartsWithTMult2() {
        let s = schedule { $0.kind = .cosineRestarts; $0.t0 = 3; $0.tMult = 2; $0.etaMin = 0.001 }
        expectSeries(s, TorchScheduleValues.restartsLR)
        // Restarts at 0, 3, 9, 21: each returns to the base lr.
        for t in [0, 3, 9, 21] { #expect(abs(s.lr(at: t) - 0.1) < 1e-15) }
    }

    @Test func cyclicTriangularCyclesMomentum() {
        let s = schedule { $0.kind = .cyclic; $0.baseLR = 0.01; $0.maxLR = 0.1; $0.stepSizeUp = 3 }
        expectSeries(s, TorchScheduleValues.triangularLR, momentum: TorchScheduleValues.triangularMomentum)
    }

    /// triangular2 halves the amplitude every cycle; asymmetric up/down steps.
    @Test func cyclicTriangular2Halving() {
        let s = schedule { $0.kind = .cyclic; $0.baseLR = 0.01; $0.maxLR = 0.1; $0.stepSizeUp = 2; $0.stepSizeDown = 3; $0.mode = .triangular2 }
        expectSeries(s, TorchScheduleValues.triangular2LR, momentum: TorchScheduleValues.triangular2Momentum)
        // Peaks at t = 2, 7, 12: amplitudes 0.09, 0.045, 0.0225.
        #expect(abs((s.lr(at: 2) - 0.01) - 0.09) < 1e-12)
        #expect(abs((s.lr(at: 7) - 0.01) - 0.045) < 1e-12)
        #expect(abs((s.lr(at: 12) - 0.01) - 0.0225) < 1e-12)
    }

    @Test func cyclicExpRangeDecays() {
        let s = schedule { $0.kind = .cyclic; $0.baseLR = 0.01; $0.maxLR = 0.1; $0.stepSizeUp = 3; $0.mode = .expRange; $0.gamma = 0.9 }
        expectSeries(s, TorchScheduleValues.expRangeLR, momentum: TorchScheduleValues.expRangeMomentum)
    }

    @Test func oneCyclePhaseBoundaries() {
        let s = schedule { $0.kind = .onecycle; $0.maxLR = 1.0; $0.totalSteps = 10 }
        expectSeries(s, TorchScheduleValues.onecycleLR, momentum: TorchScheduleValues.onecycleMomentum)
        // Phase 1 ends at pct_start·total − 1 = 2: the peak; the last step is max_lr/div/final_div.
        #expect(s.lr(at: 2) == 1.0)
        #expect(abs(s.lr(at: 9) - 1.0 / 25 / 1e4) < 1e-15)
        // Past total_steps the last value holds.
        #expect(s.lr(at: 50) == s.lr(at: 9))
    }

    @Test func oneCycleThreePhaseLinear() {
        let s = schedule { $0.kind = .onecycle; $0.maxLR = 1.0; $0.totalSteps = 12; $0.anneal = .linear; $0.threePhase = true; $0.pctStart = 0.25 }
        expectSeries(s, TorchScheduleValues.onecycleLinear3LR, momentum: TorchScheduleValues.onecycleLinear3Momentum)
    }

    @Test func oneCycleCyclesAdamBeta1() {
        let s = schedule(momentum: 0.9) { $0.kind = .onecycle; $0.maxLR = 1.0; $0.totalSteps = 10 }
        for (t, want) in TorchScheduleValues.onecycleAdamBeta1.enumerated() { #expect(abs(s.momentum(at: t) - want) < 1e-12) }
        let off = schedule(momentum: 0.9) { $0.kind = .onecycle; $0.maxLR = 1.0; $0.totalSteps = 10; $0.cycleMomentum = false }
        #expect(!off.cyclesMomentum && off.momentum(at: 3) == 0.9)
    }

    /// LinearLR(start_factor 0.25, 4 steps) then CosineAnnealingLR(T_max 6) via SequentialLR.
    @Test func warmupJoinedToCosine() {
        let s = schedule { $0.kind = .cosine; $0.tMax = 6; $0.warmupSteps = 4; $0.warmupStartFactor = 0.25 }
        expectSeries(s, TorchScheduleValues.warmupCosineLR)
    }

    @Test func defaultTMaxAndTotalStepsAreTheRun() {
        let s = schedule(total: 40) { $0.kind = .cosine }
        #expect(abs(s.lr(at: 40)) < 1e-15)
        let o = schedule(total: 40) { $0.kind = .onecycle }
        #expect(abs(o.lr(at: 39) - 1.0 / 25 / 1e4) < 1e-15)   // max_lr defaults to 10 × lr = 1.0
    }
}

/// β schedules against hand-computed sequences.
@Suite struct BetaScheduleTests {
    @Test func constantAndLinearWarmup() {
        var c = BetaScheduleConfig()
        #expect(BetaSchedule(c, totalSteps: 10).beta(at: 7) == 1)
        c.kind = .linear; c.start = 0.2; c.target = 0.6; c.warmupSteps = 4
        let s = BetaSchedule(c, totalSteps: 100)
        let want = [0.2, 0.3, 0.4, 0.5, 0.6, 0.6]
        for (t, w) in want.enumerated() { #expect(abs(s.beta(at: t) - w) < 1e-12) }
        c.warmupSteps = 0
        #expect(BetaSchedule(c, totalSteps: 100).warmupSteps == 25)
    }

    /// 12 steps, 3 cycles of 4, ratio 0.5: ramp over 2 steps then hold — β = 0, 0.5, 1, 1 per cycle.
    @Test func cyclicalLinear() {
        var c = BetaScheduleConfig()
        c.kind = .cyclical; c.cycles = 3; c.ratio = 0.5; c.start = 0; c.target = 1
        let s = BetaSchedule(c, totalSteps: 12)
        #expect((0..<12).map { s.beta(at: $0) } == [0, 0.5, 1, 1, 0, 0.5, 1, 1, 0, 0.5, 1, 1])
    }

    @Test func cyclicalCosineAndSigmoidRamps() {
        var c = BetaScheduleConfig()
        c.kind = .cyclical; c.cycles = 2; c.ratio = 0.5; c.ramp = .cosine; c.target = 2
        let s = BetaSchedule(c, totalSteps: 16)       // period 8, ramp 4 steps
        let cosWant = [0, 2 * (1 - cos(Double.pi * 0.25)) / 2, 1, 2 * (1 - cos(Double.pi * 0.75)) / 2, 2, 2, 2, 2]
        for t in 0..<8 {
            #expect(abs(s.beta(at: t) - cosWant[t]) < 1e-12)
            #expect(abs(s.beta(at: t + 8) - cosWant[t]) < 1e-12)
        }
        c.ramp = .sigmoid
        let g = BetaSchedule(c, totalSteps: 16)
        #expect(abs(g.beta(at: 2) - 2 / (1 + exp(-0.0))) < 1e-12)          // u = 0.5 → σ(0) = ½
        #expect(abs(g.beta(at: 0) - 2 / (1 + exp(6.0))) < 1e-12)           // u = 0 → σ(−6)
    }
}

/// Cyclical β against a literal port of Fu et al.'s published `frange_cycle_linear/cosine/sigmoid`
/// (github.com/haofuml/cyclical_annealing, plot/plot_schedules.py).
@Suite struct CyclicalAnnealingFidelityTests {
    static func reference(_ n: Int, start: Double, stop: Double, cycles: Int, ratio: Double, ramp: BetaScheduleConfig.Ramp) -> [Double] {
        var L = [Double](repeating: ramp == .linear ? stop : 1, count: n)
        let period = Double(n) / Double(cycles)
        let step = (stop - start) / (period * ratio)
        for c in 0..<cycles {
            var v = start, i = 0.0
            while v <= stop && Int(i + Double(c) * period) < n {
                let k = Int(i + Double(c) * period)
                switch ramp {
                case .linear: L[k] = v
                case .cosine: L[k] = 0.5 - 0.5 * cos(v * Double.pi)
                case .sigmoid: L[k] = 1 / (1 + exp(-(v * 12 - 6)))
                }
                v += step; i += 1
            }
        }
        return L
    }

    @Test(arguments: [(1000, 3, 0.5), (1000, 4, 0.5), (999, 7, 0.3), (100, 3, 1.0), (37, 5, 0.8), (12, 3, 0.5)])
    func matchesFuEtAlIncludingNonIntegerPeriods(n: Int, cycles: Int, ratio: Double) {
        for ramp in BetaScheduleConfig.Ramp.allCases {
            for start in [0.0, 0.2] {
                var c = BetaScheduleConfig()
                c.kind = .cyclical; c.cycles = cycles; c.ratio = ratio; c.ramp = ramp; c.start = start; c.target = 1
                let s = BetaSchedule(c, totalSteps: n)
                let want = Self.reference(n, start: start, stop: 1, cycles: cycles, ratio: ratio, ramp: ramp)
                let worst = (0..<n).map { abs(s.beta(at: $0) - want[$0]) }.max() ?? 0
                #expect(worst < 1e-9, "n \(n) cycles \(cycles) ratio \(ratio) \(ramp) start \(start): max difference \(worst)")
            }
        }
    }

    struct FuCases: Decodable {
        struct Case: Decodable { let ramp: String; let steps: Int; let start, stop: Double; let cycles: Int; let ratio: Double; let values: [Double] }
        let cases: [Case]
    }

    /// `--beta-ramp-like fu` equals, to the bit, Fu et al.'s code run in Python on cases with stop ≠ 1, start > 0,
    /// non-integer periods and ratio 1 (`scripts/fu-cyclical-reference.py` wrote the fixture); their linear ramp is
    /// vaetop's own rule too, so both rules give it.
    @Test func fuRuleEqualsTheirValuesToTheBit() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/fu-cyclical.json")
        let cases = try JSONDecoder().decode(FuCases.self, from: Data(contentsOf: url)).cases
        #expect(cases.count == 18 && cases.contains { $0.stop != 1 && $0.ramp == "sigmoid" })
        for k in cases {
            for rule in BetaScheduleConfig.RampRule.allCases where rule == .fu || k.ramp == "linear" {
                var c = BetaScheduleConfig()
                c.kind = .cyclical; c.cycles = k.cycles; c.ratio = k.ratio; c.ramp = .init(rawValue: k.ramp)!; c.start = k.start
                c.target = k.stop; c.rampLike = rule
                let s = BetaSchedule(c, totalSteps: k.steps)
                // Theirs to the bit; vaetop's linear rule (start + (stop − start)·u, not an accumulated sum) to 1e-12.
                let bad = (0..<k.steps).first { rule == .fu ? s.beta(at: $0) != k.values[$0] : abs(s.beta(at: $0) - k.values[$0]) > 1e-12 }
                #expect(bad == nil, "\(k.ramp) \(rule) n \(k.steps) stop \(k.stop): step \(bad ?? 0): \(bad.map { s.beta(at: $0) } ?? 0) vs \(bad.map { k.values[$0] } ?? 0)")
            }
        }
    }

    /// vaetop's own rule with stop 0.9: the sigmoid ramp is the shape scaled to the target (0.9·σ(12·v/0.9 − 6)),
    /// stays below the target and holds it; Fu's shapes v itself, passes 0.9 (0.9875 at the last ramp step here) and
    /// holds 1.
    @Test func vaetopRuleScalesTheShapeToTheTarget() {
        var c = BetaScheduleConfig()
        c.kind = .cyclical; c.cycles = 4; c.ratio = 0.5; c.ramp = .sigmoid; c.target = 0.9
        let ours = BetaSchedule(c, totalSteps: 100)      // period 25, ramp 12.5 steps
        c.rampLike = .fu
        let theirs = BetaSchedule(c, totalSteps: 100)
        #expect(abs(ours.beta(at: 12) - 0.9 * (1 / (1 + exp(-(12 * (12 * 0.9 / 12.5) / 0.9 - 6))))) < 1e-12)
        #expect(abs(theirs.beta(at: 12) - 1 / (1 + exp(-(12 * (12 * 0.9 / 12.5) - 6)))) < 1e-12)   // σ(12·0.864 − 6) = 0.9875
        #expect(ours.beta(at: 12) < 0.9 && theirs.beta(at: 12) > 0.9)
        #expect(ours.beta(at: 20) == 0.9 && theirs.beta(at: 20) == 1)
    }

    @Test func cyclesStartWhereTheirsDo() {
        var c = BetaScheduleConfig()
        c.kind = .cyclical; c.cycles = 3; c.ratio = 0.5
        let s = BetaSchedule(c, totalSteps: 1000)
        #expect(s.beta(at: 333) == 0 && s.beta(at: 666) == 0 && s.beta(at: 332) == 1)
    }
}
