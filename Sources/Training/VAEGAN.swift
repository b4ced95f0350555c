import Foundation
import TensorCore

/// VAE-GAN (Larsen et al. 2016) objectives and their gradient routing, for one batch:
///
/// - L_prior = KL(q(z|x) ‖ p(z)); L_llike = ½·Σ ‖Dis_l(x) − Dis_l(x̃)‖² with x̃ = Dec(z), z ~ q(z|x);
/// - L_dis = BCE(D(x), 1) + BCE(D(x̃), 0) + BCE(D(x_p), 0) with x_p = Dec(z_p), z_p ~ N(0, I);
/// - the encoder descends ∇(β·L_prior + L_llike) (β = 1 in the paper), the decoder ∇(γ·L_llike − L_dis,fake) (it tries to raise the
///   discriminator's loss on what it generates), the discriminator ∇L_dis. Images are the decoder's means σ(logits).
public final class VAEGAN<T: Real>: @unchecked Sendable {
    public let vae: VAEModel<T>
    public let disc: Discriminator<T>
    public let ws: Workspace<T>
    public let wsPrior: Workspace<T>
    let real: Discriminator<T>.Activations, fake: Discriminator<T>.Activations, prior: Discriminator<T>.Activations
    let xTilde: Buffer<T>, xPrior: Buffer<T>, dImage: Buffer<T>, dLogit: Buffer<T>, dFeat: Buffer<T>
    let scratchVAE: Buffer<T>, scratchDisc: Buffer<T>
    /// Index where the decoder's parameters start in the VAE's flat buffer (encoder before, decoder after).
    public let decoderStart: Int

    /// Per-batch sums of the objectives and the discriminator's mean outputs.
    public struct Losses: Sendable {
        public var prior = 0.0, featureRecon = 0.0, disReal = 0.0, disFake = 0.0, disPrior = 0.0
        public var dReal = 0.0, dFake = 0.0, dPrior = 0.0
        /// The encoder's objective β·L_prior + L_llike (β = 1 in Larsen et al.; the run's β weights the prior here).
        public func encoder(beta: Double = 1) -> Double { beta * prior + featureRecon }
        public var discriminator: Double { disReal + disFake + disPrior }
        public func decoder(gamma: Double) -> Double { gamma * featureRecon - (disFake + disPrior) }
    }

    public init(vae: VAEModel<T>, disc: Discriminator<T>, capacity: Int) {
        self.vae = vae; self.disc = disc
        let a = vae.architecture
        ws = Workspace(architecture: a, capacity: capacity)
        wsPrior = Workspace(architecture: a, capacity: capacity)
        real = disc.activations(capacity: capacity); fake = disc.activations(capacity: capacity); prior = disc.activations(capacity: capacity)
        xTilde = Buffer(count: capacity * a.input); xPrior = Buffer(count: capacity * a.input)
        dImage = Buffer(count: capacity * a.input); dLogit = Buffer(count: capacity); dFeat = Buffer(count: capacity * disc.hidden)
        scratchVAE = Buffer(count: vae.params.count); scratchDisc = Buffer(count: disc.params.count)
        let firstDecoder = vae.architecture.decoder.isEmpty ? "out.weight" : "dec1.weight"
        decoderStart = vae.params.tensor(firstDecoder)!.offset
    }

    /// Forward everything for `ws.x` (batch rows), `ws.eps` and the prior draws already in `wsPrior.z`.
    public func forward(batch: Int) -> Losses {
        let a = vae.architecture
        var l = Losses()
        _ = vae.forwardParts(ws, batch: batch)
        for j in 0..<a.latent { l.prior += ws.klDims[j]; ws.klWeights[j] = 1 }
        vae.decode(wsPrior, z: wsPrior.z.base, batch: batch)
        let n = batch * a.input
        for i in 0..<n { xTilde[i] = sigmoid(ws.logits[i]); xPrior[i] = sigmoid(wsPrior.logits[i]) }
        disc.forward(ws.x.base, batch: batch, real)
        disc.forward(xTilde.base, batch: batch, fake)
        disc.forward(xPrior.base, batch: batch, prior)
        let h = disc.hidden
        for i in 0..<(batch * h) { let d = real.features[i] - fake.features[i]; l.featureRecon += Double(d * d / 2) }
        for b in 0..<batch {
            l.disReal += softplus(-Double(real.logits[b])); l.disFake += softplus(Double(fake.logits[b])); l.disPrior += softplus(Double(prior.logits[b]))
            l.dReal += Double(sigmoid(real.logits[b])); l.dFake += Double(sigmoid(fake.logits[b])); l.dPrior += Double(sigmoid(prior.logits[b]))
        }
        l.dReal /= Double(batch); l.dFake /= Double(batch); l.dPrior /= Double(batch)
        return l
    }

    /// Gradients of the last `forward`: the VAE's into `vae.params.grads` (encoder range from the encoder's
    /// objective, decoder range from the decoder's), the discriminator's into `disc.params.grads`.
    public func backward(batch: Int, gamma: Double, beta: Double = 1) {
        let a = vae.architecture
        let n = batch * a.input, h = disc.hidden
        let g = vae.params.grads.base, count = vae.params.count
        // Discriminator: BCE on the three batches (the images are constants for it).
        disc.params.grads.zero()
        for (input, act, target) in [(UnsafePointer(ws.x.base), real, T(1)), (UnsafePointer(xTilde.base), fake, 0), (UnsafePointer(xPrior.base), prior, 0)] {
            for b in 0..<batch { dLogit[b] = sigmoid(act.logits[b]) - target }
            disc.backward(input, batch: batch, act, dFeatures: nil, dLogits: dLogit.base, grads: scratchDisc.base, dx: nil)
            for i in 0..<disc.params.count { disc.params.grads[i] += scratchDisc[i] }
        }
        // ∂L_llike/∂features of x̃ is (Dis_l(x̃) − Dis_l(x)).
        for i in 0..<(batch * h) { dFeat[i] = fake.features[i] - real.features[i] }
        // Encoder: ∂(L_prior + L_llike); the discriminator's parameters only carry the gradient to x̃.
        for b in 0..<batch { dLogit[b] = 0 }
        disc.backward(xTilde.base, batch: batch, fake, dFeatures: dFeat.base, dLogits: dLogit.base, grads: scratchDisc.base, dx: dImage.base)
        for i in 0..<n { let s = xTilde[i]; ws.dlogits[i] = dImage[i] * s * (1 - s) }
        vae.backward(ws, batch: batch, beta: beta, into: g)                      // encoder range kept from here
        // Decoder on x̃: γ·∂L_llike − ∂BCE(D(x̃), 0) = γ·(feature term) − σ(d) at the logit.
        for i in 0..<(batch * h) { dFeat[i] *= T(gamma) }
        for b in 0..<batch { dLogit[b] = -sigmoid(fake.logits[b]) }
        disc.backward(xTilde.base, batch: batch, fake, dFeatures: dFeat.base, dLogits: dLogit.base, grads: scratchDisc.base, dx: dImage.base)
        for i in 0..<n { let s = xTilde[i]; ws.dlogits[i] = dImage[i] * s * (1 - s) }
        vae.backwardDecoder(ws, batch: batch, into: scratchVAE.base)
        for i in decoderStart..<count { g[i] = scratchVAE[i] }
        // Decoder on x_p: −∂BCE(D(x_p), 0).
        for b in 0..<batch { dLogit[b] = -sigmoid(prior.logits[b]) }
        disc.backward(xPrior.base, batch: batch, prior, dFeatures: nil, dLogits: dLogit.base, grads: scratchDisc.base, dx: dImage.base)
        for i in 0..<n { let s = xPrior[i]; wsPrior.dlogits[i] = dImage[i] * s * (1 - s) }
        vae.backwardDecoder(wsPrior, batch: batch, into: scratchVAE.base)
        for i in decoderStart..<count { g[i] += scratchVAE[i] }
    }

    @inline(__always) func sigmoid(_ x: T) -> T { x >= 0 ? 1 / (1 + T.exponential(-x)) : T.exponential(x) / (1 + T.exponential(x)) }
    @inline(__always) func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }
}
