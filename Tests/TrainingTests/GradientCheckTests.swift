import Foundation
import Runs
import TensorCore
import TestSupport
import Testing
@testable import RunControl
@testable import Training

/// Finite-difference checks (in Double) of every layer's backward pass and of the whole objective.
@Suite struct GradientCheckTests {
    /// Loss L = Σ c ⊙ y for a fixed random c, so dL/dy = c.
    @Test func linear() {
        let batch = 3, nin = 4, nout = 5
        let layer = Linear(inFeatures: nin, outFeatures: nout, weight: 0, bias: nin * nout)
        let np = nin * nout + nout
        let p = UnsafeMutablePointer<Double>.allocate(capacity: np); defer { p.deallocate() }
        let g = UnsafeMutablePointer<Double>.allocate(capacity: np); defer { g.deallocate() }
        let x = UnsafeMutablePointer<Double>.allocate(capacity: batch * nin); defer { x.deallocate() }
        let y = UnsafeMutablePointer<Double>.allocate(capacity: batch * nout); defer { y.deallocate() }
        let c = UnsafeMutablePointer<Double>.allocate(capacity: batch * nout); defer { c.deallocate() }
        let dx = UnsafeMutablePointer<Double>.allocate(capacity: batch * nin); defer { dx.deallocate() }
        GradientCheck.fill(p, np, seed: 1); GradientCheck.fill(x, batch * nin, seed: 2); GradientCheck.fill(c, batch * nout, seed: 3)
        func loss() -> Double {
            layer.forward(UnsafePointer(p), x: x, y: y, batch: batch)
            return (0..<(batch * nout)).reduce(0) { $0 + c[$1] * y[$1] }
        }
        _ = loss()
        layer.backward(UnsafePointer(p), g, x: x, dy: c, dx: dx, batch: batch)
        let analytic = (0..<np).map { g[$0] }
        let numeric = (0..<np).map { GradientCheck.numeric(p, $0, loss) }
        #expect(GradientCheck.worstRelativeError(analytic: analytic, numeric: numeric) < 1e-7)
        let ax = (0..<(batch * nin)).map { dx[$0] }
        let nx = (0..<(batch * nin)).map { GradientCheck.numeric(x, $0, loss) }
        #expect(GradientCheck.worstRelativeError(analytic: ax, numeric: nx) < 1e-7)
    }

    @Test func reluBackwardIsTheDerivative() {
        let n = 20
        let x = UnsafeMutablePointer<Double>.allocate(capacity: n); defer { x.deallocate() }
        let y = UnsafeMutablePointer<Double>.allocate(capacity: n); defer { y.deallocate() }
        let c = UnsafeMutablePointer<Double>.allocate(capacity: n); defer { c.deallocate() }
        let d = UnsafeMutablePointer<Double>.allocate(capacity: n); defer { d.deallocate() }
        GradientCheck.fill(x, n, seed: 4); GradientCheck.fill(c, n, seed: 5)
        func loss() -> Double { Kernels.relu(x, y, n); return (0..<n).reduce(0) { $0 + c[$1] * y[$1] } }
        _ = loss()
        Kernels.reluBackward(y, c, d, n)
        let numeric = (0..<n).map { GradientCheck.numeric(x, $0, loss) }
        #expect(GradientCheck.worstRelativeError(analytic: (0..<n).map { d[$0] }, numeric: numeric) < 1e-7)
    }

    @Test func reparameterize() {
        let n = 6
        let mu = UnsafeMutablePointer<Double>.allocate(capacity: n), lv = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let eps = UnsafeMutablePointer<Double>.allocate(capacity: n), std = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let z = UnsafeMutablePointer<Double>.allocate(capacity: n), c = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let dmu = UnsafeMutablePointer<Double>.allocate(capacity: n), dlv = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { for q in [mu, lv, eps, std, z, c, dmu, dlv] { q.deallocate() } }
        GradientCheck.fill(mu, n, seed: 1); GradientCheck.fill(lv, n, seed: 2); GradientCheck.fill(eps, n, seed: 3)
        GradientCheck.fill(c, n, seed: 4)
        func loss() -> Double {
            Reparameterize.forward(mu: mu, logvar: lv, eps: eps, std: std, z: z, n: n)
            return (0..<n).reduce(0) { $0 + c[$1] * z[$1] }
        }
        _ = loss()
        Reparameterize.backward(dz: c, eps: eps, std: std, dmu: dmu, dlogvar: dlv, n: n)
        #expect(GradientCheck.worstRelativeError(analytic: (0..<n).map { dmu[$0] }, numeric: (0..<n).map { GradientCheck.numeric(mu, $0, loss) }) < 1e-7)
        #expect(GradientCheck.worstRelativeError(analytic: (0..<n).map { dlv[$0] }, numeric: (0..<n).map { GradientCheck.numeric(lv, $0, loss) }) < 1e-7)
    }

    @Test(arguments: [RunConfig.Likelihood.bernoulli, .gaussian])
    func reconstructionLoss(_ likelihood: RunConfig.Likelihood) {
        let n = 40
        let l = UnsafeMutablePointer<Double>.allocate(capacity: n), t = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let d = UnsafeMutablePointer<Double>.allocate(capacity: n)
        defer { l.deallocate(); t.deallocate(); d.deallocate() }
        GradientCheck.fill(l, n, seed: 8, scale: 30)       // large logits exercise the stable branch
        var rng = RandomSource(seed: 9)
        for i in 0..<n { t[i] = rng.nextUniform() }
        func loss() -> Double {
            likelihood == .bernoulli ? ReconstructionLoss.bernoulli(logits: l, target: t, dlogits: d, n: n)
                                     : ReconstructionLoss.gaussian(logits: l, target: t, dlogits: d, n: n)
        }
        _ = loss()
        let analytic = (0..<n).map { d[$0] }
        let numeric = (0..<n).map { GradientCheck.numeric(l, $0, loss) }
        #expect(GradientCheck.worstRelativeError(analytic: analytic, numeric: numeric, floor: 1e-6) < 1e-6)
        if likelihood == .bernoulli {
            // Against the textbook −[x log σ(l) + (1 − x) log(1 − σ(l))] for moderate logits.
            l[0] = 1.5; t[0] = 0.3
            let s = 1 / (1 + exp(-1.5))
            let want = -(0.3 * log(s) + 0.7 * log(1 - s))
            #expect(abs(ReconstructionLoss.bernoulli(logits: l, target: t, dlogits: d, n: 1) - want) < 1e-12)
        }
    }

    /// The whole objective recon + β·Σ_j max(λ, KL_j)·B with respect to every parameter of a small VAE.
    @Test(arguments: [(RunConfig.Likelihood.bernoulli, 0.0, 1.0), (.gaussian, 0.0, 0.5), (.bernoulli, 0.4, 2.0)])
    func wholeObjective(_ likelihood: RunConfig.Likelihood, freeBits: Double, beta: Double) {
        let arch = Architecture(input: 12, encoder: [7, 5], latent: 3, decoder: [4], likelihood: likelihood)
        var rng = RandomSource(seed: 11)
        let model = VAEModel<Double>(arch, rng: &rng)
        let batch = 4
        let ws = Workspace<Double>(architecture: arch, capacity: batch)
        var data = RandomSource(seed: 12)
        for i in 0..<(batch * 12) { ws.x[i] = data.nextUniform() }
        data.fillNormal(ws.eps.base, batch * 3)
        // Make one latent dimension nearly collapsed so free bits clamps it.
        let p = model.params.values.base
        if freeBits > 0, let w = model.params.tensor("mu.weight"), let b = model.params.tensor("mu.bias") {
            for c in 0..<5 { p[w.offset + c] = 0.001 }
            p[b.offset] = 0
        }
        func loss() -> Double { model.forward(ws, batch: batch, beta: beta, freeBits: freeBits).objective }
        _ = loss()
        model.backward(ws, batch: batch, beta: beta)
        let analytic = (0..<model.params.count).map { model.params.grads[$0] }
        let numeric = (0..<model.params.count).map { GradientCheck.numeric(p, $0, loss) }
        #expect(GradientCheck.worstRelativeError(analytic: analytic, numeric: numeric, floor: 1e-6) < 1e-5)
        if freeBits > 0 {
            _ = loss()
            #expect((0..<3).contains { ws.klWeights[$0] == 0 }, "a dimension should sit below λ")
        }
    }

    /// Free bits: below λ the KL term passes no gradient to the encoder's mean and variance heads.
    @Test func freeBitsZeroGradientBelowLambda() {
        let arch = Architecture(input: 6, encoder: [], latent: 2, decoder: [], likelihood: .gaussian)
        var rng = RandomSource(seed: 3)
        let model = VAEModel<Double>(arch, rng: &rng)
        let ws = Workspace<Double>(architecture: arch, capacity: 2)
        for i in 0..<12 { ws.x[i] = 0.5 }
        for i in 0..<4 { ws.eps[i] = 0 }      // z = μ: the reconstruction term still flows through μ
        let loss = model.forward(ws, batch: 2, beta: 1, freeBits: 100)
        #expect(abs(loss.klObjectivePerImage - 200) < 1e-12)
        model.backward(ws, batch: 2, beta: 1)
        // With ε = 0 and the KL clamped, logvar receives no gradient at all.
        let lv = model.params.tensor("logvar.weight")!, lvb = model.params.tensor("logvar.bias")!
        #expect((0..<lv.count).allSatisfy { model.params.grads[lv.offset + $0] == 0 })
        #expect((0..<lvb.count).allSatisfy { model.params.grads[lvb.offset + $0] == 0 })
    }
}

/// The vectorised Float32 BCE against the Double reference (same formula, scalar libm).
@Suite struct FastBernoulliTests {
    @Test func matchesDoubleReference() {
        let n = 784 * 3 + 5                     // vector body, groups of 16 and a scalar tail
        var rng = RandomSource(seed: 21)
        let l = (0..<n).map { _ in (rng.nextUniform() * 2 - 1) * 40 }
        let t = (0..<n).map { _ in rng.nextUniform() }
        var dD = [Double](repeating: 0, count: n), dF = [Float](repeating: 0, count: n)
        let lf = l.map(Float.init), tf = t.map(Float.init)
        let want = l.withUnsafeBufferPointer { lp in t.withUnsafeBufferPointer { tp in dD.withUnsafeMutableBufferPointer { dp in
            ReconstructionLoss.bernoulli(logits: lp.baseAddress!, target: tp.baseAddress!, dlogits: dp.baseAddress!, n: n) } } }
        let got = lf.withUnsafeBufferPointer { lp in tf.withUnsafeBufferPointer { tp in dF.withUnsafeMutableBufferPointer { dp in
            ReconstructionLoss.bernoulli(logits: lp.baseAddress!, target: tp.baseAddress!, dlogits: dp.baseAddress!, n: n) } } }
        #expect(abs(got - want) / want < 1e-5)
        for i in 0..<n { #expect(abs(Double(dF[i]) - dD[i]) < 2e-6, "element \(i)") }
        // e^v itself.
        for v: Float in [0, -1e-3, -0.5, -1, -10, -50, -87, -100] {
            let e = FastMath.expNonPositive(SIMD8(repeating: v))[0]
            #expect(abs(e - Foundation.exp(max(v, -87))) <= 3e-7 * Foundation.exp(max(v, -87)))
        }
    }
}

/// Capacity annealing: recon + γ·B·|KL − C| by finite differences, on both sides of C.
@Suite struct CapacityTests {
    @Test(arguments: [0.05, 50.0])
    func objectiveGradient(capacity: Double) {
        let arch = Architecture(input: 10, encoder: [6], latent: 3, decoder: [5], likelihood: .bernoulli)
        var rng = RandomSource(seed: 31)
        let model = VAEModel<Double>(arch, rng: &rng)
        let ws = Workspace<Double>(architecture: arch, capacity: 4)
        var data = RandomSource(seed: 32)
        for i in 0..<40 { ws.x[i] = data.nextUniform() }
        data.fillNormal(ws.eps.base, 12)
        func loss() -> Double { model.forward(ws, batch: 4, beta: 7, freeBits: 0, capacity: capacity).objective }
        let l = model.forward(ws, batch: 4, beta: 7, freeBits: 0, capacity: capacity)
        #expect(abs(l.klObjectivePerImage - abs(l.kl / 4 - capacity)) < 1e-12)
        model.backward(ws, batch: 4, beta: 7)
        let analytic = (0..<model.params.count).map { model.params.grads[$0] }
        // |KL − C|·γ·B reaches ~1,400 here, so a step of 1e-5 balances round-off against truncation.
        let numeric = (0..<model.params.count).map { GradientCheck.numeric(model.params.values.base, $0, h: 1e-5, loss) }
        #expect(GradientCheck.worstRelativeError(analytic: analytic, numeric: numeric, floor: 1e-6) < 1e-5)
    }

    @Test func capacityGrowsLinearlyToItsMaximum() {
        var c = BetaScheduleConfig()
        c.kind = .capacity; c.capacityMax = 20; c.capacitySteps = 100; c.capacityGamma = 50
        let s = BetaSchedule(c, totalSteps: 1000)
        #expect(s.capacity(at: 0) == 0 && s.capacity(at: 50) == 10 && s.capacity(at: 100) == 20 && s.capacity(at: 900) == 20)
        #expect(s.beta(at: 10) == 50)
        c.kind = .linear
        #expect(BetaSchedule(c, totalSteps: 10).capacity(at: 5) == nil)
    }

    @Test func trainerLogsCapacityAndKeepsKLNearIt() throws {
        var steps: [StepMetrics] = []
        let t = try Trainer(config: tinyConfig { $0.epochs = 6; $0.betaSchedule.kind = .capacity; $0.betaSchedule.capacityMax = 2
            $0.betaSchedule.capacityGamma = 20 }, data: tinyData, directory: nil, sink: { if case .step(let m) = $0 { steps.append(m) } })
        t.run()
        #expect(steps.allSatisfy { $0.capacity != nil && $0.beta == 20 })
        #expect(steps.last!.capacity! > 1.9)
        #expect(abs(Double(steps.last!.kl) - steps.last!.capacity!) < 1.0, "KL \(steps.last!.kl) should track C \(steps.last!.capacity!)")
    }
}
