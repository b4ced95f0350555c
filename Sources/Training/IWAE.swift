import Datasets
import Foundation
import TensorCore

/// The importance-weighted bound on log p(x) (Burda, Grosse & Salakhutdinov 2016, eq. 8), the number papers report as
/// the test log-likelihood: for each image, k draws z_j = μ + σ·ε_j from q(z|x) and
///
///     log p(x) ≥ L_k = log (1/k) Σ_j p(x|z_j) p(z_j) / q(z_j|x)
///                    = logsumexp_j [log p(x|z_j) + log N(z_j; 0, I) − log N(z_j; μ, σ²)] − log k,
///
/// where the two Gaussians' log 2π terms cancel, leaving −½Σ z² + ½Σ ε² + ½Σ log σ². log p(x|z) is the decoder's
/// likelihood as the training loss computes it (a Gaussian decoder's without its D/2·log 2π, like the test loss), so
/// L_1 is the ELBO's one-sample estimate and −L_k ≤ the test loss on average, falling with k. The encoder runs once per
/// image, the decoder on up to `chunk` samples at a time (one BLAS product per layer); the sum over samples is a
/// running log-sum-exp, so no sample's weight is kept.
package final class IWAE {
    let model: VAEModel<Float>
    let workspace: Workspace<Float>
    /// Samples decoded per pass.
    let chunk: Int
    let z: Buffer<Float>
    let eps: Buffer<Float>

    package init(model: VAEModel<Float>, chunk: Int = 500) {
        self.model = model
        self.chunk = max(1, chunk)
        let a = model.architecture
        workspace = Workspace(architecture: a, capacity: self.chunk)
        z = Buffer(count: self.chunk * a.latent)
        eps = Buffer(count: self.chunk * a.latent)
    }

    /// −L_k for one image (pixels in `x`), drawing its noise from `rng`; `noise`, when given, receives every ε drawn
    /// (k × latent, sample-major), for a check against another implementation.
    package func negativeBound(image x: UnsafePointer<Float>, k: Int, rng: inout RandomSource, noise: ((UnsafePointer<Float>, Int) -> Void)? = nil) -> Double {
        let a = model.architecture, ws = workspace, latent = a.latent, d = a.input
        ws.x.base.update(from: x, count: d)
        model.encode(ws, batch: 1)
        // σ and ½Σ log σ², the same for every sample of the image.
        var halfLogVar = 0.0
        for j in 0..<latent {
            let lv = ws.logvar[j]
            ws.std[j] = Float.exponential(lv / 2)   // as Reparameterize draws z
            halfLogVar += 0.5 * Double(lv)
        }
        var best = -Double.infinity, sum = 0.0   // running log-sum-exp: Σ exp(w − best)
        // The target image in every row the likelihood reads (row 0 holds it already).
        for r in 1..<max(1, min(chunk, k)) { (ws.x.base + r * d).update(from: x, count: d) }
        var done = 0
        while done < k {
            let n = min(chunk, k - done)
            rng.fillNormal(eps.base, n * latent)
            noise?(UnsafePointer(eps.base), n * latent)
            for r in 0..<n {
                for j in 0..<latent { z[r * latent + j] = ws.mu[j] + eps[r * latent + j] * ws.std[j] }
            }
            model.decode(ws, z: UnsafePointer(z.base), batch: n)
            for r in 0..<n {
                let logits = UnsafePointer(ws.logits.base + r * d), target = UnsafePointer(ws.x.base + r * d)
                let nll: Double
                switch a.likelihood {
                case .bernoulli: nll = ReconstructionLoss.bernoulli(logits: logits, target: target, dlogits: ws.dlogits.base + r * d, n: d)
                case .gaussian: nll = ReconstructionLoss.gaussian(logits: logits, target: target, dlogits: ws.dlogits.base + r * d, n: d)
                }
                var prior = 0.0
                for j in 0..<latent {
                    let zz = Double(z[r * latent + j]), e = Double(eps[r * latent + j])
                    prior += 0.5 * (e * e - zz * zz)
                }
                let w = -nll + prior + halfLogVar
                if w > best { sum = sum * Foundation.exp(best - w) + 1; best = w } else { sum += Foundation.exp(w - best) }
            }
            done += n
        }
        return -(best + Foundation.log(sum) - Foundation.log(Double(k)))
    }

    /// The noise seed of a run's IWAE estimates (its own stream: estimating never moves the training or evaluation noise).
    package static func seed(_ runSeed: UInt64) -> UInt64 { runSeed &+ 0x1A7E_0005 }

    /// −L_k of each of `images` of `data` (in order), from the seed's own noise; `noise` as for one image, `progress`
    /// sees the images done.
    package func negativeBounds(_ data: ImageDataset, images: Range<Int>, k: Int, seed: UInt64,
                                noise: ((UnsafePointer<Float>, Int) -> Void)? = nil, progress: (Int) -> Void = { _ in }) -> [Double] {
        var rng = RandomSource(seed: seed)
        var bounds: [Double] = []
        bounds.reserveCapacity(images.count)
        let d = data.dimension
        data.images.withUnsafeBufferPointer { src in
            for (done, i) in images.enumerated() {
                bounds.append(negativeBound(image: src.baseAddress! + i * d, k: k, rng: &rng, noise: noise))
                progress(done + 1)
            }
        }
        return bounds
    }

    /// −L_k averaged over `images` of `data` (in order), from the seed's own noise; `progress` sees images done.
    package func negativeBound(_ data: ImageDataset, images: Range<Int>, k: Int, seed: UInt64,
                               progress: (Int) -> Void = { _ in }) -> Double {
        images.isEmpty ? .nan : negativeBounds(data, images: images, k: k, seed: seed, progress: progress).reduce(0, +) / Double(images.count)
    }
}
