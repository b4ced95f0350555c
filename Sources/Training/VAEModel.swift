import Runs
import TensorCore

/// An MLP VAE: encoder (Linear+ReLU)*, μ and logσ² heads, decoder (Linear+ReLU)*, output logits.
public final class VAEModel<T: Real>: @unchecked Sendable {
    public let architecture: Architecture
    public let params: ParameterStore<T>
    public let encoder: [Linear]
    public let muHead: Linear
    public let logvarHead: Linear
    public let decoder: [Linear]
    public let output: Linear

    /// The objective's parts for one batch (sums over the batch).
    public struct Loss: Sendable, Equatable {
        /// Reconstruction NLL summed over the batch.
        public var recon: Double
        /// Raw KL summed over the batch.
        public var kl: Double
        /// KL term of the objective per image (free bits applied).
        public var klObjectivePerImage: Double
        /// recon + β·B·klObjectivePerImage: what the gradients are of.
        public var objective: Double
    }

    /// Builds the layers and initialises them like PyTorch's nn.Linear from `rng`.
    public init(_ a: Architecture, rng: inout RandomSource) {
        architecture = a
        var layout: [(name: String, rows: Int, cols: Int, layer: Int)] = []
        var widths: [(String, Int, Int)] = []   // (layer name, in, out)
        var prev = a.input
        for (i, w) in a.encoder.enumerated() { widths.append(("enc\(i + 1)", prev, w)); prev = w }
        widths.append(("mu", prev, a.latent)); widths.append(("logvar", prev, a.latent))
        prev = a.latent
        for (i, w) in a.decoder.enumerated() { widths.append(("dec\(i + 1)", prev, w)); prev = w }
        widths.append(("out", prev, a.input))
        for (l, (name, i, o)) in widths.enumerated() {
            layout.append((name + ".weight", o, i, l))
            layout.append((name + ".bias", o, 1, l))
        }
        params = ParameterStore(layout: layout, layerNames: widths.map { $0.0 })
        var linears: [Linear] = []
        for (l, (_, i, o)) in widths.enumerated() {
            linears.append(Linear(inFeatures: i, outFeatures: o,
                                  weight: params.tensors[2 * l].offset, bias: params.tensors[2 * l + 1].offset))
        }
        let ne = a.encoder.count, nd = a.decoder.count
        encoder = Array(linears[0..<ne])
        muHead = linears[ne]
        logvarHead = linears[ne + 1]
        decoder = Array(linears[(ne + 2)..<(ne + 2 + nd)])
        output = linears[ne + 2 + nd]
        for layer in linears { layer.initialize(params.values.base, rng: &rng) }
    }

    /// Encoder forward: fills enc activations, μ and logσ² for `batch` rows of `ws.x`.
    @_specialize(exported: true, where T == Float)
    public func encode(_ ws: Workspace<T>, batch: Int) {
        let p = UnsafePointer(params.values.base)
        var input = UnsafePointer(ws.x.base)
        for (i, layer) in encoder.enumerated() {
            layer.forward(p, x: input, y: ws.enc[i].base, batch: batch)
            Kernels.relu(ws.enc[i].base, ws.enc[i].base, batch * layer.outFeatures)
            input = UnsafePointer(ws.enc[i].base)
        }
        muHead.forward(p, x: input, y: ws.mu.base, batch: batch)
        logvarHead.forward(p, x: input, y: ws.logvar.base, batch: batch)
    }

    /// Decoder forward from `z` (batch × latent) to `ws.logits`.
    @_specialize(exported: true, where T == Float)
    public func decode(_ ws: Workspace<T>, z: UnsafePointer<T>, batch: Int) {
        let p = UnsafePointer(params.values.base)
        var input = z
        for (i, layer) in decoder.enumerated() {
            layer.forward(p, x: input, y: ws.dec[i].base, batch: batch)
            Kernels.relu(ws.dec[i].base, ws.dec[i].base, batch * layer.outFeatures)
            input = UnsafePointer(ws.dec[i].base)
        }
        output.forward(p, x: input, y: ws.logits.base, batch: batch)
    }

    /// Forward pass with the noise already in `ws.eps`: z, logits, the loss and per-dimension KL.
    @_specialize(exported: true, where T == Float)
    public func forward(_ ws: Workspace<T>, batch: Int, beta: Double, freeBits: Double, capacity: Double? = nil) -> Loss {
        let recon = forwardParts(ws, batch: batch)
        return klTerm(ws, recon: recon, batch: batch, beta: beta, freeBits: freeBits, capacity: capacity)
    }

    /// Combines the reconstruction sum with the KL term from `ws.klDims` (batch sums): free bits Σ_j max(λ, KL_j),
    /// or with a capacity C the term |KL − C|; sets the per-dimension gradient weights in `ws.klWeights`.
    public func klTerm(_ ws: Workspace<T>, recon: Double, batch: Int, beta: Double, freeBits: Double, capacity: Double?) -> Loss {
        let a = architecture
        var kl = 0.0
        for j in 0..<a.latent { kl += ws.klDims[j] }
        let klObj: Double
        if let capacity {
            klObj = GaussianKL.capacity(perDim: ws.klDims, capacity: capacity, batch: batch, latent: a.latent, active: ws.klWeights)
        } else {
            klObj = GaussianKL.freeBits(perDim: ws.klDims, lambda: freeBits, batch: batch, latent: a.latent, active: ws.klWeights)
        }
        return Loss(recon: recon, kl: kl, klObjectivePerImage: klObj, objective: recon + beta * Double(batch) * klObj)
    }

    /// The forward pass without the free-bits step: fills `ws.klDims` with per-dimension KL sums over the
    /// batch and returns the summed reconstruction term. Data-parallel workers call this on their slices.
    @_specialize(exported: true, where T == Float)
    public func forwardParts(_ ws: Workspace<T>, batch: Int) -> Double {
        let a = architecture
        let n = batch * a.latent
        encode(ws, batch: batch)
        Reparameterize.forward(mu: ws.mu.base, logvar: ws.logvar.base, eps: ws.eps.base,
                               std: ws.std.base, z: ws.z.base, n: n)
        decode(ws, z: ws.z.base, batch: batch)
        let pixels = batch * a.input
        let recon: Double
        switch a.likelihood {
        case .bernoulli: recon = ReconstructionLoss.bernoulli(logits: ws.logits.base, target: ws.x.base, dlogits: ws.dlogits.base, n: pixels)
        case .gaussian: recon = ReconstructionLoss.gaussian(logits: ws.logits.base, target: ws.x.base, dlogits: ws.dlogits.base, n: pixels)
        }
        GaussianKL.forward(mu: ws.mu.base, logvar: ws.logvar.base, std: ws.std.base, perDim: ws.klDims, batch: batch, latent: a.latent)
        return recon
    }

    /// The decoder part of the backward pass: from `ws.dlogits` to the decoder's gradients (written into `g`)
    /// and ∂/∂z in `ws.dz`. VAE-GAN runs it alone for images decoded from the prior.
    @_specialize(exported: true, where T == Float)
    public func backwardDecoder(_ ws: Workspace<T>, batch: Int, into g: UnsafeMutablePointer<T>) {
        let p = UnsafePointer(params.values.base)
        // Decoder, top down.
        let lastDec: UnsafePointer<T> = decoder.isEmpty ? UnsafePointer(ws.z.base) : UnsafePointer(ws.dec[decoder.count - 1].base)
        let topGrad: UnsafeMutablePointer<T> = decoder.isEmpty ? ws.dz.base : ws.dDec[decoder.count - 1].base
        output.backward(p, g, x: lastDec, dy: ws.dlogits.base, dx: topGrad, batch: batch)
        for i in stride(from: decoder.count - 1, through: 0, by: -1) {
            let layer = decoder[i]
            Kernels.reluBackward(ws.dec[i].base, ws.dDec[i].base, ws.dDec[i].base, batch * layer.outFeatures)
            let input: UnsafePointer<T> = i == 0 ? UnsafePointer(ws.z.base) : UnsafePointer(ws.dec[i - 1].base)
            let dInput: UnsafeMutablePointer<T> = i == 0 ? ws.dz.base : ws.dDec[i - 1].base
            layer.backward(p, g, x: input, dy: ws.dDec[i].base, dx: dInput, batch: batch)
        }
    }

    /// Backward pass of the last `forward` into `grads` (default `params.grads`; overwritten). The KL term uses
    /// the free-bits weights in `ws.klWeights`.
    @_specialize(exported: true, where T == Float)
    public func backward(_ ws: Workspace<T>, batch: Int, beta: Double, into grads: UnsafeMutablePointer<T>? = nil) {
        let a = architecture
        let p = UnsafePointer(params.values.base)
        let g = grads ?? params.grads.base
        backwardDecoder(ws, batch: batch, into: g)
        // Latent: reparameterisation plus the KL term.
        let n = batch * a.latent
        Reparameterize.backward(dz: ws.dz.base, eps: ws.eps.base, std: ws.std.base, dmu: ws.dmu.base, dlogvar: ws.dlogvar.base, n: n)
        GaussianKL.backward(mu: ws.mu.base, std: ws.std.base, beta: T(beta), weights: ws.klWeights,
                            dmu: ws.dmu.base, dlogvar: ws.dlogvar.base, batch: batch, latent: a.latent)
        // Heads and encoder.
        let encTop: UnsafePointer<T> = encoder.isEmpty ? UnsafePointer(ws.x.base) : UnsafePointer(ws.enc[encoder.count - 1].base)
        let dEncTop: UnsafeMutablePointer<T>? = encoder.isEmpty ? nil : ws.dEnc[encoder.count - 1].base
        muHead.backward(p, g, x: encTop, dy: ws.dmu.base, dx: dEncTop, batch: batch)
        logvarHead.backward(p, g, x: encTop, dy: ws.dlogvar.base, dx: dEncTop, accumulateInput: true, batch: batch)
        for i in stride(from: encoder.count - 1, through: 0, by: -1) {
            let layer = encoder[i]
            Kernels.reluBackward(ws.enc[i].base, ws.dEnc[i].base, ws.dEnc[i].base, batch * layer.outFeatures)
            let input: UnsafePointer<T> = i == 0 ? UnsafePointer(ws.x.base) : UnsafePointer(ws.enc[i - 1].base)
            layer.backward(p, g, x: input, dy: ws.dEnc[i].base, dx: i == 0 ? nil : ws.dEnc[i - 1].base, batch: batch)
        }
    }
}
