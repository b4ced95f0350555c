import Foundation
import Runs
import TensorCore
import Testing
@testable import Training

/// Each optimizer on L = ½‖θ − c‖² against PyTorch's trajectory (TorchValues.swift), which follows the
/// update rules quoted in the optimizers' doc comments.
@Suite struct OptimizerTests {
    static let c: [Float] = [0.3, -0.2, 1.0]

    func trajectory(_ opt: any Optimizer, _ h: StepHyperparameters, steps: Int = 8) -> [Double] {
        var p: [Float] = [1.0, 0.5, -0.5]
        var out: [Double] = []
        for _ in 0..<steps {
            var g = zip(p, Self.c).map { $0 - $1 }
            p.withUnsafeMutableBufferPointer { pp in g.withUnsafeMutableBufferPointer { gp in
                opt.step(pp.baseAddress!, gp.baseAddress!, count: 3, h)
            } }
            out += p.map(Double.init)
        }
        return out
    }

    func expectClose(_ got: [Double], _ want: [Double], tol: Double = 3e-6) {
        #expect(got.count == want.count)
        for (i, (a, b)) in zip(got, want).enumerated() {
            #expect(abs(a - b) <= tol * max(1, abs(b)), "element \(i): \(a) vs torch \(b)")
        }
    }

    @Test func adamDefaults() {
        let c = OptimizerConfig()
        #expect(c.lr == 1e-3 && c.beta1 == 0.9 && c.beta2 == 0.999 && c.eps == 1e-8 && c.effectiveWeightDecay == 0 && !c.amsgrad)
        var w = OptimizerConfig(); w.kind = .adamw
        #expect(w.effectiveWeightDecay == 1e-2)
    }

    @Test func adamFirstStepMovesByLrTimesSign() {
        // Step 1: m = (1−β1)g, v = (1−β2)g², so m/(1−β1) / (√(v/(1−β2)) + ε) = g/(|g| + ε) ≈ sign(g).
        let got = trajectory(Adam(count: 3), StepHyperparameters(lr: 0.1, beta1: 0.9), steps: 1)
        expectClose(got, [0.9, 0.4, -0.4])
    }

    @Test func adam() { expectClose(trajectory(Adam(count: 3), StepHyperparameters(lr: 0.1, beta1: 0.9)), TorchOptimizerValues.adam) }

    @Test func adamL2WeightDecay() {
        expectClose(trajectory(Adam(count: 3), StepHyperparameters(lr: 0.1, beta1: 0.9, weightDecay: 0.1)), TorchOptimizerValues.adamL2)
    }

    @Test func amsgrad() {
        expectClose(trajectory(Adam(count: 3, amsgrad: true), StepHyperparameters(lr: 0.1, beta1: 0.9)), TorchOptimizerValues.amsgrad)
    }

    @Test func adamwDecoupledDecayDefault() {
        expectClose(trajectory(Adam(count: 3, decoupled: true), StepHyperparameters(lr: 0.1, beta1: 0.9, weightDecay: 1e-2)),
                    TorchOptimizerValues.adamw)
    }

    @Test func sgdPlain() { expectClose(trajectory(SGD(count: 3), StepHyperparameters(lr: 0.1, beta1: 0)), TorchOptimizerValues.sgd) }

    @Test func sgdMomentumDampeningWeightDecay() {
        expectClose(trajectory(SGD(count: 3, dampening: 0.1), StepHyperparameters(lr: 0.1, beta1: 0.9, weightDecay: 0.01)),
                    TorchOptimizerValues.sgdMomentum)
    }

    @Test func sgdNesterov() {
        expectClose(trajectory(SGD(count: 3, nesterov: true), StepHyperparameters(lr: 0.1, beta1: 0.9)),
                    TorchOptimizerValues.sgdNesterov)
    }

    /// RAdam: ρ_t ≤ 5 for t = 1…5 with β2 = 0.999 (plain momentum steps), rectified from step 6.
    @Test func radamFirstFiveStepsAreUnrectified() {
        for t in 1...5 { #expect(RAdam.rho(step: t, beta2: 0.999).rhoT <= 5, "step \(t)") }
        #expect(RAdam.rho(step: 6, beta2: 0.999).rhoT > 5)
        expectClose(trajectory(RAdam(count: 3), StepHyperparameters(lr: 0.1, beta1: 0.9)), TorchOptimizerValues.radam)
    }

    @Test func radamDecoupledWeightDecay() {
        expectClose(trajectory(RAdam(count: 3, decoupled: true), StepHyperparameters(lr: 0.1, beta1: 0.9, weightDecay: 0.1)),
                    TorchOptimizerValues.radamDecoupled)
    }

    /// The SIMD path (8 lanes) and the scalar tail agree: 19 parameters cover both.
    @Test func vectorAndScalarPathsAgree() {
        let n = 19
        let a = Adam(count: n)
        var p = (0..<n).map { Float($0) / 7 - 1 }
        var single = p
        for _ in 0..<5 {
            var g = p.map { $0 * 0.5 + 0.1 }
            p.withUnsafeMutableBufferPointer { pp in g.withUnsafeMutableBufferPointer { gp in
                a.step(pp.baseAddress!, gp.baseAddress!, count: n, StepHyperparameters(lr: 0.01, beta1: 0.9))
            } }
        }
        for i in 0..<n {
            let opt = Adam(count: 1)
            var q = [single[i]]
            for _ in 0..<5 {
                var g = [q[0] * 0.5 + 0.1]
                q.withUnsafeMutableBufferPointer { qp in g.withUnsafeMutableBufferPointer { gp in
                    opt.step(qp.baseAddress!, gp.baseAddress!, count: 1, StepHyperparameters(lr: 0.01, beta1: 0.9))
                } }
            }
            single[i] = q[0]
        }
        #expect(p == single)
    }
}

/// Adam's C update (SSE, or AVX where the CPU has it) against the Swift arithmetic it replaced, element by element:
/// equal to the bit, for lengths with every tail, over several steps.
@Suite struct AdamKernelTests {
    @Test func theCUpdateIsTheSwiftArithmeticToTheBit() {
        var rng = RandomSource(seed: 5)
        for n in [1, 3, 4, 7, 8, 9, 15, 16, 17, 1001] {
            let count = n
            var p = (0..<count).map { _ in Float(rng.nextNormal()) }, g = p.map { _ in Float(rng.nextNormal()) * 0.1 }
            var q = p
            let adam = Adam(count: count)
            var m = [Float](repeating: 0, count: count), v = m
            let h = StepHyperparameters(lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0)
            for step in 1...4 {
                p.withUnsafeMutableBufferPointer { pp in g.withUnsafeMutableBufferPointer { adam.step(pp.baseAddress!, $0.baseAddress!, count: count, h) } }
                // The Swift arithmetic of Adam.step (Moments.update1 and the update line).
                let bc1 = 1 - Foundation.pow(0.9, Double(step)), bc2 = 1 - Foundation.pow(0.999, Double(step))
                let stepSize = Float(1e-3 / bc1), bc2Sqrt = Float(bc2.squareRoot()), eps = Float(1e-8)
                let ob1 = Float(1 - 0.9), b2 = Float(0.999), ob2 = Float(1 - 0.999)
                for i in 0..<count {
                    let gi = g[i]
                    m[i] += (gi - m[i]) * ob1
                    v[i] = v[i] * b2 + ob2 * gi * gi
                    q[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
                }
                #expect(p == q, "n \(n) step \(step)")
                #expect(Array(UnsafeBufferPointer(start: adam.m.base, count: count)) == m && Array(UnsafeBufferPointer(start: adam.v.base, count: count)) == v)
                for i in 0..<count { g[i] = Float(rng.nextNormal()) * 0.1 }
            }
        }
    }
}
