import Foundation
import Runs
import TensorCore

extension Trainer {
    /// Scores the test split: negative ELBO with β = 1 and no free bits, KL per dimension, active units.
    /// Uses its own RNG seeded from the run seed, so evaluating never changes the training noise.
    public func evaluate() -> EvalMetrics {
        let ws = evalWorkspace
        let latent = config.latent, d = test.dimension
        var rng = RandomSource(seed: config.seed &+ 0xE7A1)
        var recon = 0.0
        var klDims = [Double](repeating: 0, count: latent)
        var muSum = [Double](repeating: 0, count: latent), muSq = [Double](repeating: 0, count: latent)
        var start = 0
        while start < test.count {
            let b = min(Self.evalChunk, test.count - start)
            test.images.withUnsafeBufferPointer { ws.x.base.update(from: $0.baseAddress! + start * d, count: b * d) }
            rng.fillNormal(ws.eps.base, b * latent)
            let loss = model.forward(ws, batch: b, beta: 1, freeBits: 0)
            recon += loss.recon
            for j in 0..<latent { klDims[j] += ws.klDims[j] }
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
        return EvalMetrics(step: stepsDone, epoch: epoch, loss: Float((recon + kl) / n), recon: Float(recon / n),
                           kl: Float(kl / n), klDims: klDims.map { Float($0 / n) }, meanVariance: variance,
                           activeUnits: active, collapsed: collapsed, images: test.count)
    }

    /// Evaluates, records the result and a fresh set of reconstructions and samples.
    @discardableResult
    public func evaluateAndShow() -> EvalMetrics {
        let e = evaluate()
        if let prev = lastEval {
            let newly = Set(e.collapsed).subtracting(prev.collapsed).sorted()
            if !newly.isEmpty {
                emit(.alert(Alert(step: stepsDone, level: .warning,
                                  message: "latent dimension\(newly.count > 1 ? "s" : "") \(newly.map(String.init).joined(separator: ", ")) collapsed (test KL < \(config.collapseThreshold) nats)")))
            }
        }
        lastEval = e
        emit(.eval(e))
        emitImages()
        return e
    }

    /// Decodes the showcase test images (at their posterior mean) and the fixed prior draws.
    func emitImages() {
        let ws = evalWorkspace
        let d = test.dimension, latent = config.latent, k = showcase.count
        guard k > 0 else { return }
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
        // The originals never change: they are written once per process, later records leave them empty.
        let sendOriginals = !originalsSent
        originalsSent = true
        emit(.images(ImageRecord(step: stepsDone, rows: test.rows, cols: test.cols, originals: sendOriginals ? originals : [],
                                 reconstructions: recon, samples: samples)))
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
}
