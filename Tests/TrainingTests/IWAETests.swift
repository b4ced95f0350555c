import Datasets
import Foundation
import Runs
import TensorCore
import TestSupport
import Testing
@testable import RunControl
@testable import Training

/// The importance-weighted bound (Burda et al. 2016): the estimator against a plain double-precision computation from
/// the same noise, and the bound's properties (the 1-sample bound is the ELBO on average; more samples, tighter).
@Suite struct IWAETests {
    /// A trained tiny model (two epochs on the bars).
    static func trained() throws -> Trainer {
        let t = try Trainer(config: tinyConfig { $0.epochs = 2; $0.iwaeK = 0 }, data: tinyData, directory: nil)
        t.run()
        return t
    }

    /// −L_k recomputed in double precision from the noise the estimator drew: log p(x|z) as Σ softplus(l) − x·l,
    /// log N(z; 0, I) − log N(z; μ, σ²) as −½Σz² + ½Σε² + ½Σ log σ², then log-mean-exp over the k samples.
    @Test func estimatorEqualsAPlainComputationFromTheSameNoise() throws {
        let t = try Self.trained()
        let model = t.model, a = model.architecture, d = a.input, latent = a.latent
        let est = IWAE(model: model, chunk: 7)          // several chunks per image, the last one short
        let ws = Workspace<Float>(architecture: a, capacity: 64)
        for (image, k) in [(0, 1), (3, 16), (11, 50)] {
            var rng = RandomSource(seed: 99)
            var noise: [Float] = []
            let got = tinyData.test.images.withUnsafeBufferPointer { src in
                est.negativeBound(image: src.baseAddress! + image * d, k: k, rng: &rng) { p, n in noise += UnsafeBufferPointer(start: p, count: n) }
            }
            #expect(noise.count == k * latent)
            // The reference: encode once, decode every sample, sum in double.
            tinyData.test.images.withUnsafeBufferPointer { ws.x.base.update(from: $0.baseAddress! + image * d, count: d) }
            model.encode(ws, batch: 1)
            let logvar = (0..<latent).map { Double(ws.logvar[$0]) }
            var weights: [Double] = []
            for s in 0..<k {
                var z = [Float](repeating: 0, count: latent)
                for j in 0..<latent { z[j] = ws.mu[j] + noise[s * latent + j] * Float.exponential(ws.logvar[j] / 2) }
                z.withUnsafeBufferPointer { model.decode(ws, z: $0.baseAddress!, batch: 1) }
                var logLik = 0.0
                for p in 0..<d {
                    let l = Double(ws.logits[p]), x = Double(tinyData.test.images[image * d + p])
                    logLik -= max(l, 0) - x * l + log1p(exp(-abs(l)))
                }
                var w = logLik
                for j in 0..<latent {
                    let e = Double(noise[s * latent + j]), zz = Double(z[j])
                    w += -0.5 * zz * zz + 0.5 * e * e + 0.5 * logvar[j]
                }
                weights.append(w)
            }
            let m = weights.max()!
            let want = -(m + log(weights.map { exp($0 - m) }.reduce(0, +)) - log(Double(k)))
            #expect(abs(got - want) < 1e-4 * max(1, abs(want)), "image \(image) k \(k): \(got) vs \(want)")
        }
    }

    /// E[−L_1] is the negative ELBO: averaged over many draws it lands on the test loss (whose KL is exact); the bound
    /// tightens with k (Burda et al.'s L_1 ≤ L_k ≤ log p(x)).
    @Test func oneSampleIsTheELBOAndMoreSamplesAreTighter() throws {
        let t = try Self.trained()
        let est = IWAE(model: t.model)
        let elbo = Double(t.evaluate().loss)
        let one = (0..<40).map { s in est.negativeBound(tinyData.test, images: 0..<24, k: 1, seed: UInt64(s)) }.reduce(0, +) / 40
        let many = est.negativeBound(tinyData.test, images: 0..<24, k: 500, seed: 7)
        #expect(abs(one - elbo) < 0.02 * elbo, "−L_1 \(one), test loss \(elbo)")
        #expect(many < one && many < elbo, "−L_500 \(many), −L_1 \(one)")
        // Reproducible: the same seed, the same estimate.
        #expect(est.negativeBound(tinyData.test, images: 0..<5, k: 30, seed: 3) == est.negativeBound(tinyData.test, images: 0..<5, k: 30, seed: 3))
    }
}
