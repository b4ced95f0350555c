import Datasets
import Foundation
import Runs
import TensorCore

/// Scores the model on the held-out test split and draws the showcase images (reconstructions and prior samples).
/// It has its own workspace and RNG, so evaluating never changes the training noise.
package final class Evaluator {
    let test: ImageDataset
    let config: RunConfig
    let workspace: Workspace<Float>
    /// Fixed test images shown as reconstructions, and the fixed prior draws for samples.
    let showcase: [Int]
    let sampleZ: [Float]
    /// Whether an images record with the original test digits was made yet.
    package var originalsSent = false

    /// Test images per evaluation forward pass.
    static let chunk = 500
    /// Images in the showcase (reconstructions and samples).
    static let showcaseCount = 8

    package init(test: ImageDataset, config: RunConfig, architecture: Architecture) {
        self.test = test
        self.config = config
        workspace = Workspace(architecture: architecture, capacity: Self.chunk)
        showcase = Self.pickShowcase(test: test)
        var zRNG = RandomSource(seed: config.seed &+ 0x5EED_0003)
        sampleZ = (0..<(Self.showcaseCount * config.latent)).map { _ in Float(zRNG.nextNormal()) }
    }

    /// Negative ELBO with β = 1 and no free bits, KL per dimension, active units (Burda et al. 2016), collapsed
    /// dimensions; seeded from the run seed, so the same weights always score the same.
    package func evaluate(_ model: VAEModel<Float>, step: Int, epoch: Int) -> EvalMetrics {
        let ws = workspace
        let latent = config.latent, d = test.dimension
        var rng = RandomSource(seed: config.seed &+ 0xE7A1)
        var recon = 0.0
        var klDims = [Double](repeating: 0, count: latent)
        var muSum = [Double](repeating: 0, count: latent), muSq = [Double](repeating: 0, count: latent)
        var information = 0.0
        var start = 0
        while start < test.count {
            let b = min(Self.chunk, test.count - start)
            test.images.withUnsafeBufferPointer { ws.x.base.update(from: $0.baseAddress! + start * d, count: b * d) }
            rng.fillNormal(ws.eps.base, b * latent)
            let loss = model.forward(ws, batch: b, beta: 1, freeBits: 0)
            recon += loss.recon
            for j in 0..<latent { klDims[j] += ws.klDims[j] }
            // The z the ELBO just sampled is the posterior sample the estimator needs: no extra noise is drawn.
            information += MutualInformation.batch(mu: ws.mu.base, logvar: ws.logvar.base, z: ws.z.base, batch: b, latent: latent) * Double(b)
            for r in 0..<b {
                for j in 0..<latent {
                    let m = Double(ws.mu[r * latent + j])
                    muSum[j] += m; muSq[j] += m * m
                }
            }
            start += b
        }
        let n = Double(test.count)
        let variance = (0..<latent).map { j in Float(max(0, muSq[j] / n - (muSum[j] / n) * (muSum[j] / n))) }
        let active = (0..<latent).filter { variance[$0] > 0.01 }.count
        let collapsed = (0..<latent).filter { klDims[$0] / n < config.collapseThreshold }
        let kl = klDims.reduce(0, +)
        return EvalMetrics(step: step, epoch: epoch, loss: Float((recon + kl) / n), recon: Float(recon / n),
                           kl: Float(kl / n), klDims: klDims.map { Float($0 / n) }, meanVariance: variance,
                           activeUnits: active, collapsed: collapsed, images: test.count,
                           mutualInformation: Float(information / n))
    }

    /// Decodes the showcase test images (at their posterior mean) and the fixed prior draws. The originals never
    /// change: the first record of a process holds them, later ones leave them empty.
    package func images(_ model: VAEModel<Float>, step: Int) -> ImageRecord? {
        let ws = workspace
        let d = test.dimension, latent = config.latent, k = showcase.count
        guard k > 0 else { return nil }
        test.images.withUnsafeBufferPointer { src in
            for (r, i) in showcase.enumerated() { (ws.x.base + r * d).update(from: src.baseAddress! + i * d, count: d) }
        }
        let originals = (0..<k).map { r in (0..<d).map { UInt8(max(0, min(255, (ws.x[r * d + $0] * 255).rounded()))) } }
        model.encode(ws, batch: k)
        model.decode(ws, z: ws.mu.base, batch: k)
        let recon = decoderMeans(ws, count: k)
        sampleZ.withUnsafeBufferPointer { ws.z.base.update(from: $0.baseAddress!, count: k * latent) }
        model.decode(ws, z: ws.z.base, batch: k)
        let samples = decoderMeans(ws, count: k)
        let sendOriginals = !originalsSent
        originalsSent = true
        return ImageRecord(step: step, rows: test.rows, cols: test.cols, originals: sendOriginals ? originals : [],
                           reconstructions: recon, samples: samples)
    }

    /// An images record with no images yet (a traversal is added to it).
    package func emptyRecord(step: Int) -> ImageRecord? {
        showcase.isEmpty ? nil : ImageRecord(step: step, rows: test.rows, cols: test.cols, originals: [], reconstructions: [], samples: [])
    }

    /// Decodes the first showcase digit's posterior mean and the first prior draw with z_`dimension` set to each of
    /// `ImageTraversal.standardValues`.
    package func traversal(_ model: VAEModel<Float>, dimension: Int) -> ImageTraversal? {
        let ws = workspace
        let d = test.dimension, latent = config.latent
        let values = ImageTraversal.standardValues, k = values.count
        guard let first = showcase.first, dimension < latent, 2 * k <= Self.chunk else { return nil }
        test.images.withUnsafeBufferPointer { ws.x.base.update(from: $0.baseAddress! + first * d, count: d) }
        model.encode(ws, batch: 1)
        let mean = Array(UnsafeBufferPointer(start: ws.mu.base, count: latent))
        let prior = Array(sampleZ.prefix(latent))
        // Rows 0..<k: the test digit's code; rows k..<2k: the prior draw's; z_dimension swept in both.
        for (r, base) in (Array(repeating: mean, count: k) + Array(repeating: prior, count: k)).enumerated() {
            (ws.z.base + r * latent).update(from: base, count: latent)
            ws.z[r * latent + dimension] = Float(values[r % k])
        }
        model.decode(ws, z: ws.z.base, batch: 2 * k)
        let images = decoderMeans(ws, count: 2 * k)
        return ImageTraversal(dimension: dimension, values: values, test: Array(images[..<k]), prior: Array(images[k...]))
    }

    private func decoderMeans(_ ws: Workspace<Float>, count: Int) -> [[UInt8]] {
        let d = test.dimension
        return (0..<count).map { r in
            (0..<d).map { i -> UInt8 in
                let l = ws.logits[r * d + i]
                let mean = config.likelihood == .bernoulli ? 1 / (1 + Foundation.exp(-l)) : l
                return UInt8(max(0, min(255, (mean * 255).rounded())))
            }
        }
    }

    /// One test image of each digit first, then the first others, up to `showcaseCount`.
    static func pickShowcase(test: ImageDataset) -> [Int] {
        var picks: [Int] = []
        var seen = Set<UInt8>()
        for i in 0..<test.count where !seen.contains(test.labels[i]) {
            seen.insert(test.labels[i]); picks.append(i)
            if picks.count == showcaseCount { break }
        }
        var i = 0
        while picks.count < min(showcaseCount, test.count) { if !picks.contains(i) { picks.append(i) }; i += 1 }
        return picks
    }
}
