import Foundation
import Runs
import TensorCore

extension Trainer {
    /// One VAE-GAN step: the three objectives, each network updated by its own optimizer (the equilibrium rule
    /// or a frozen discriminator may skip an update). Non-finite losses or gradients skip the step.
    func stepGAN() -> StepOutcome {
        guard let gan, let encOpt = encoderOptimizer, let decOpt = decoderOptimizer, let disOpt = discriminatorOptimizer else { return .finished }
        let start = DispatchTime.now().uptimeNanoseconds
        let ws = gan.ws
        let b = min(knobs.batchSize, train.count - position, ws.capacity)
        let d = train.dimension, latent = config.latent
        train.images.withUnsafeBufferPointer { src in
            for r in 0..<b { (ws.x.base + r * d).update(from: src.baseAddress! + permutation[position + r] * d, count: d) }
        }
        noiseRNG.fillNormal(ws.eps.base, b * latent)
        noiseRNG.fillNormal(gan.wsPrior.z.base, b * latent)
        let l = gan.forward(batch: b)
        let stepNumber = stepsDone + 1
        let gamma = knobs.gamma, beta = currentBeta
        var norms = (enc: Double.nan, dec: Double.nan, dis: Double.nan)
        let finiteLoss = l.encoder(beta: beta).isFinite && l.discriminator.isFinite && l.featureRecon.isFinite
        if finiteLoss {
            gan.backward(batch: b, gamma: gamma, beta: beta)
            let g = model.params.grads.base, ds = gan.decoderStart
            norms.enc = Kernels.sumOfSquares(g, ds).squareRoot()
            norms.dec = Kernels.sumOfSquares(g + ds, model.params.count - ds).squareRoot()
            norms.dis = Kernels.sumOfSquares(gan.disc.params.grads.base, gan.disc.params.count).squareRoot()
        }
        guard finiteLoss, norms.enc.isFinite, norms.dec.isFinite, norms.dis.isFinite else {
            return skip(step: stepNumber, batch: b, reason: "VAE-GAN loss or gradient not finite; weights not updated")
        }
        nanStreak = 0
        // Equilibrium rule (Larsen et al.'s code): the discriminator's BCE per image and term, against ln 2.
        let perTerm = l.discriminator / Double(3 * b)
        let trainDis = !knobs.freezeDiscriminator && !(config.gan.equilibrium && perTerm < log(2) - config.gan.margin)
        let trainDec = !(config.gan.equilibrium && perTerm > log(2) + config.gan.margin)
        let h = stepHyperparameters
        let p = model.params.values.base, g = model.params.grads.base, ds = gan.decoderStart
        encOpt.step(p, g, count: ds, h)
        if trainDec { decOpt.step(p + ds, g + ds, count: model.params.count - ds, h) }
        if trainDis {
            disOpt.step(gan.disc.params.values.base, gan.disc.params.grads.base, count: gan.disc.params.count,
                        StepHyperparameters(lr: knobs.discriminatorLR, beta1: 0.9))
        }
        stepsDone += 1
        position += b
        samplesSeen += b
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        trainSeconds += seconds
        let n = Double(b)
        var klDims = [Float](repeating: 0, count: latent)
        for j in 0..<latent { klDims[j] = Float(ws.klDims[j] / n) }
        var m = StepMetrics(step: stepsDone, epoch: epoch, loss: Float(l.encoder(beta: beta) / n), recon: Float(l.featureRecon / n), kl: Float(l.prior / n),
                            klDims: klDims, beta: beta, lr: h.lr, freeBits: 0, gradNorm: Float(norms.enc), gradNormClipped: Float(norms.enc),
                            layerGradNorms: [Float(norms.enc), Float(norms.dec), Float(norms.dis)], batchSize: b,
                            samplesPerSecond: Float(n / max(seconds, 1e-9)), time: trainSeconds)
        m.gan = GANStepMetrics(encoderLoss: Float(l.encoder(beta: beta) / n), decoderLoss: Float(l.decoder(gamma: gamma) / n),
                               discriminatorLoss: Float(l.discriminator / n), featureRecon: Float(l.featureRecon / n),
                               dReal: Float(l.dReal), dFake: Float(l.dFake), dPrior: Float(l.dPrior),
                               gradNormEncoder: Float(norms.enc), gradNormDecoder: Float(norms.dec), gradNormDiscriminator: Float(norms.dis),
                               discriminatorUpdated: trainDis, decoderUpdated: trainDec, gamma: gamma, discriminatorLR: knobs.discriminatorLR)
        emit(.step(m))
        return afterStep()
    }
}
