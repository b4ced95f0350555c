import Foundation
import Runs
import TensorCore
import TestSupport
import Testing
@testable import RunControl
@testable import Training

/// Which loss reaches which network, by finite differences (Double): the encoder gets ∇(L_prior + L_llike),
/// the decoder ∇(γ·L_llike − L_dis,fake), the discriminator ∇L_dis, and nothing else.
@Suite struct VAEGANRoutingTests {
    func setup() -> VAEGAN<Double> {
        let arch = Architecture(input: 9, encoder: [6], latent: 2, decoder: [5], likelihood: .bernoulli)
        var rng = RandomSource(seed: 41)
        let vae = VAEModel<Double>(arch, rng: &rng)
        let disc = Discriminator<Double>(input: 9, hidden: 4, rng: &rng)
        let g = VAEGAN(vae: vae, disc: disc, capacity: 3)
        var data = RandomSource(seed: 42)
        for i in 0..<27 { g.ws.x[i] = data.nextUniform() }
        data.fillNormal(g.ws.eps.base, 6)
        data.fillNormal(g.wsPrior.z.base, 6)
        return g
    }

    @Test(arguments: [(0.5, 1.0), (3.0, 0.1)])
    func eachNetworkGetsItsOwnLoss(gamma: Double, beta: Double) {
        let g = setup()
        _ = g.forward(batch: 3)
        g.backward(batch: 3, gamma: gamma, beta: beta)
        let vaeGrads = (0..<g.vae.params.count).map { g.vae.params.grads[$0] }
        let discGrads = (0..<g.disc.params.count).map { g.disc.params.grads[$0] }
        let p = g.vae.params.values.base, dp = g.disc.params.values.base
        let enc = (0..<g.decoderStart).map { GradientCheck.numeric(p, $0) { g.forward(batch: 3).encoder(beta: beta) } }
        let dec = (g.decoderStart..<g.vae.params.count).map { GradientCheck.numeric(p, $0) { g.forward(batch: 3).decoder(gamma: gamma) } }
        let dis = (0..<g.disc.params.count).map { GradientCheck.numeric(dp, $0) { g.forward(batch: 3).discriminator } }
        #expect(GradientCheck.worstRelativeError(analytic: Array(vaeGrads[..<g.decoderStart]), numeric: enc, floor: 1e-6) < 1e-5)
        #expect(GradientCheck.worstRelativeError(analytic: Array(vaeGrads[g.decoderStart...]), numeric: dec, floor: 1e-6) < 1e-5)
        #expect(GradientCheck.worstRelativeError(analytic: discGrads, numeric: dis, floor: 1e-6) < 1e-5)
        // And not the others' losses: the encoder's gradient differs from that of the decoder's objective.
        let encOfDecLoss = (0..<g.decoderStart).map { GradientCheck.numeric(p, $0) { g.forward(batch: 3).decoder(gamma: gamma) } }
        #expect(GradientCheck.worstRelativeError(analytic: Array(vaeGrads[..<g.decoderStart]), numeric: encOfDecLoss, floor: 1e-6) > 1e-2)
    }
}

@Suite(.serialized) struct VAEGANTrainerTests {
    func config(_ edit: (inout RunConfig) -> Void = { _ in }) -> RunConfig {
        tinyConfig { $0.model = .vaeGAN; $0.gan.hidden = 16; $0.epochs = 2; edit(&$0) }
    }

    @Test func trainsAndLogsTheThreeNetworks() throws {
        var steps: [StepMetrics] = []
        let t = try Trainer(config: config(), data: tinyData, directory: nil, sink: { if case .step(let m) = $0 { steps.append(m) } })
        let disc0 = t.gan!.disc.params.values.array
        t.run()
        #expect(steps.count == 8 && steps.allSatisfy { $0.gan != nil && $0.loss.isFinite })
        let g = steps.last!.gan!
        #expect(g.dReal > 0 && g.dReal < 1 && g.dFake > 0 && g.dFake < 1 && g.gradNormDiscriminator > 0)
        #expect(t.gan!.disc.params.values.array != disc0)
        #expect(steps.last!.layerGradNorms.count == 3)
    }

    @Test func freezeAndEquilibriumSkipUpdates() throws {
        let frozen = try Trainer(config: config { $0.gan.freezeDiscriminator = true }, data: tinyData, directory: nil)
        let disc0 = frozen.gan!.disc.params.values.array
        frozen.run()
        #expect(frozen.gan!.disc.params.values.array == disc0)
        // A margin so wide that the discriminator's loss is always "too low": it never trains.
        var updates: [Bool] = []
        let eq = try Trainer(config: config { $0.gan.equilibrium = true; $0.gan.margin = -10 }, data: tinyData, directory: nil,
                             sink: { if case .step(let m) = $0 { updates.append(m.gan!.discriminatorUpdated) } })
        eq.run()
        #expect(!updates.isEmpty && updates.allSatisfy { !$0 })
    }

    @Test func liveKnobsAndResume() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let cfg = config { $0.epochs = 3 }
        let straight = try Trainer(config: cfg, data: tinyData, directory: nil)
        straight.run()
        let a = try Trainer(config: cfg, data: tinyData, directory: dir.file("r"))
        a.begin()
        for _ in 0..<5 { a.step() }
        a.checkpoint(); a.close()
        let b = try Trainer(resume: dir.file("r"), data: tinyData)
        b.run()
        #expect(b.model.params.values.array == straight.model.params.values.array)
        #expect(b.gan!.disc.params.values.array == straight.gan!.disc.params.values.array)
        b.apply(.set(.gamma, 2))
        #expect(b.knobs.gamma == 2)
        let plain = try Trainer(config: tinyConfig(), data: tinyData, directory: nil)
        var alerts: [String] = []
        plain.sink = { if case .outcome(let o) = $0, o.outcome == .refused, o.parameter == "gamma" { alerts.append(o.reason ?? "") } }
        plain.apply(.set(.gamma, 2))
        #expect(alerts.first?.contains("VAE-GAN runs only") == true)
    }
}
