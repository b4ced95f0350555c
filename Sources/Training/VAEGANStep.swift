import Foundation
import Runs
import TensorCore

/// A VAE-GAN step (Larsen et al. 2016): the encoder, decoder and discriminator objectives, each network updated by
/// its own optimizer; the equilibrium rule or a frozen discriminator may skip an update.
package final class VAEGANStep: ModelStep {
    package let gan: VAEGAN<Float>
    let settings: GANConfig
    let encoderOptimizer: any Optimizer
    let decoderOptimizer: any Optimizer
    let discriminatorOptimizer: any Optimizer

    package init(gan: VAEGAN<Float>, settings: GANConfig, optimizer: OptimizerConfig) {
        self.gan = gan
        self.settings = settings
        let count = gan.vae.params.count
        encoderOptimizer = OptimizerFactory.make(optimizer, count: gan.decoderStart)
        decoderOptimizer = OptimizerFactory.make(optimizer, count: count - gan.decoderStart)
        discriminatorOptimizer = Adam(count: gan.disc.params.count)
    }

    package func batch(for requested: Int) -> Int { min(requested, gan.ws.capacity) }
    package var recordsMomentum: Bool { false }

    /// The workspace is sized for the configured batch when built; larger batches are trimmed to it.
    package func ensureCapacity(_ batch: Int) {}

    package var weights: [(String, Buffer<Float>)] { [("params", gan.vae.params.values), ("discriminator.params", gan.disc.params.values)] }
    package var optimizers: [(String, any Optimizer)] {
        [("encoder", encoderOptimizer), ("decoder", decoderOptimizer), ("discriminator", discriminatorOptimizer)]
    }

    package func train(batch b: Int, loader: DataLoader, noise: inout RandomSource, objective o: Objective, hyper h: StepHyperparameters,
               knobs: Knobs) -> StepResult {
        let ws = gan.ws, model = gan.vae
        let latent = model.architecture.latent
        loader.copy(rows: 0, count: b, into: ws.x.base)
        noise.fillNormal(ws.eps.base, b * latent)
        noise.fillNormal(gan.wsPrior.z.base, b * latent)
        let l = gan.forward(batch: b)
        let gamma = knobs.gamma, beta = o.beta
        guard l.encoder(beta: beta).isFinite && l.discriminator.isFinite && l.featureRecon.isFinite else {
            return .nonFinite("VAE-GAN loss or gradient not finite; weights not updated")
        }
        gan.backward(batch: b, gamma: gamma, beta: beta)
        let g = model.params.grads.base, ds = gan.decoderStart
        let enc = Kernels.sumOfSquares(g, ds).squareRoot()
        let dec = Kernels.sumOfSquares(g + ds, model.params.count - ds).squareRoot()
        let dis = Kernels.sumOfSquares(gan.disc.params.grads.base, gan.disc.params.count).squareRoot()
        guard enc.isFinite, dec.isFinite, dis.isFinite else { return .nonFinite("VAE-GAN loss or gradient not finite; weights not updated") }
        // Equilibrium rule (Larsen et al.'s code): the discriminator's BCE per image and term, against ln 2.
        let perTerm = l.discriminator / Double(3 * b)
        let trainDis = !knobs.freezeDiscriminator && !(settings.equilibrium && perTerm < log(2) - settings.margin)
        let trainDec = !(settings.equilibrium && perTerm > log(2) + settings.margin)
        let p = model.params.values.base
        encoderOptimizer.step(p, g, count: ds, h)
        if trainDec { decoderOptimizer.step(p + ds, g + ds, count: model.params.count - ds, h) }
        if trainDis {
            discriminatorOptimizer.step(gan.disc.params.values.base, gan.disc.params.grads.base, count: gan.disc.params.count,
                                        StepHyperparameters(lr: knobs.discriminatorLR, beta1: 0.9))
        }
        let n = Double(b)
        var klDims = [Float](repeating: 0, count: latent)
        for j in 0..<latent { klDims[j] = Float(ws.klDims[j] / n) }
        let metrics = GANStepMetrics(encoderLoss: Float(l.encoder(beta: beta) / n), decoderLoss: Float(l.decoder(gamma: gamma) / n),
                                     discriminatorLoss: Float(l.discriminator / n), featureRecon: Float(l.featureRecon / n),
                                     dReal: Float(l.dReal), dFake: Float(l.dFake), dPrior: Float(l.dPrior),
                                     gradNormEncoder: Float(enc), gradNormDecoder: Float(dec), gradNormDiscriminator: Float(dis),
                                     discriminatorUpdated: trainDis, decoderUpdated: trainDec, gamma: gamma, discriminatorLR: knobs.discriminatorLR)
        return .trained(StepMeasurement(loss: l.encoder(beta: beta) / n, recon: l.featureRecon / n, kl: l.prior / n, klObjective: nil,
                                        klDims: klDims, gradNorm: enc, gradNormClipped: enc, clipCoef: 1,
                                        layerGradNorms: [Float(enc), Float(dec), Float(dis)],
                                        applied: Objective(beta: beta), gan: metrics))
    }
}
