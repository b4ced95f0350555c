import ArgumentParser
import Foundation
import RunControl
import Runs
import TensorCore
import Training

/// `vaetop eval RUN --iwae-k K`: the importance-weighted bound on the test log-likelihood of a run's checkpoint
/// (Burda et al. 2016), with a progress bar and an ETA; the result is appended to the run file as an `eval` record.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The IWAE bound on -log p(x) of a run's checkpoint (the test log-likelihood papers report).")

    @Argument(help: "Run directory (its checkpoint.bin is evaluated).", completion: .directory) var directory: String
    @Option(name: .customLong("iwae-k"), parsing: .unconditional, help: "Importance samples per image (Burda et al. report k = 5000).") var iwaeK: Int = 5000
    @Option(parsing: .unconditional, help: "Test images, the first ones of the test split (default: all).") var images: Int?
    @Option(help: "Also write the weights, the noise drawn and each image's bound into this folder (for a check against another implementation; keep --images and --iwae-k small).", completion: .directory)
    var dump: String?

    func run() throws {
        guard (1...1_000_000).contains(iwaeK) else { throw fail("--iwae-k: must be in 1…1000000, got \(iwaeK)") }
        do { try RunLock.check(directory) } catch {
            if case .locked = error { throw fail("\(directory): \(error)", code: 75) }
            throw fail("\(directory): \(error)", code: 74)
        }
        let trainer: Trainer
        do { trainer = try Trainer(resume: directory) } catch { throw fail("\(directory): \(error)", code: 65) }
        let count = min(images ?? trainer.test.count, trainer.test.count)
        guard count >= 1 else { throw fail("--images: must be at least 1, got \(images ?? 0)") }
        if dump != nil && Double(count) * Double(iwaeK) * Double(trainer.config.latent) > 50_000_000 {
            throw fail("--dump: \(count) images × k \(iwaeK) × \(trainer.config.latent) dimensions of noise is too much to write; use fewer --images or a smaller --iwae-k")
        }
        var e = trainer.evaluate()
        let progress = IWAEProgress(total: count, k: iwaeK)
        let estimator = IWAE(model: trainer.model)
        var nll: Double
        if let dump {
            nll = try dumpAndEstimate(estimator, trainer: trainer, count: count, into: dump, progress: progress)
        } else {
            nll = estimator.negativeBound(trainer.test, images: 0..<count, k: iwaeK, seed: IWAE.seed(trainer.config.seed)) { progress.update($0) }
        }
        progress.finish()
        e.iwae = Float(nll); e.iwaeK = iwaeK; e.iwaeImages = count
        trainer.record(.eval(e))
        trainer.close()
        print(String(format: "IWAE bound, k = %d over the first %d test images (checkpoint of step %d): -log p(x) <= %.3f nats per image; the test loss (the 1-sample bound, over all %d test images) is %.3f",
                     iwaeK, count, trainer.stepsDone, nll, trainer.test.count, e.loss))
        if let writeError = trainer.writeError { throw fail("run file: \(writeError)", code: 74) }
    }

    /// The estimate, with the noise and each image's bound written beside the weights (raw float32, little endian).
    func dumpAndEstimate(_ estimator: IWAE, trainer: Trainer, count: Int, into dir: String, progress: IWAEProgress) throws -> Double {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw fail("--dump: cannot create \(dir)", code: 74)
        }
        let model = trainer.model, a = model.architecture
        var layers: [[String: Any]] = []
        var params = Data()
        let values = model.params.values.array
        let named = model.encoder.enumerated().map { ("enc\($0.offset + 1)", $0.element) } + [("mu", model.muHead), ("logvar", model.logvarHead)]
            + model.decoder.enumerated().map { ("dec\($0.offset + 1)", $0.element) } + [("out", model.output)]
        for (name, l) in named {
            layers.append(["name": name, "in": l.inFeatures, "out": l.outFeatures, "weight": params.count / 4, "bias": params.count / 4 + l.inFeatures * l.outFeatures])
            values[l.weight..<(l.weight + l.inFeatures * l.outFeatures)].withUnsafeBufferPointer { params.append(Data(buffer: $0)) }
            values[l.bias..<(l.bias + l.outFeatures)].withUnsafeBufferPointer { params.append(Data(buffer: $0)) }
        }
        var noise = Data()
        let d = a.input
        let bounds = estimator.negativeBounds(trainer.test, images: 0..<count, k: iwaeK, seed: IWAE.seed(trainer.config.seed),
                                              noise: { p, n in noise.append(Data(buffer: UnsafeBufferPointer(start: p, count: n))) },
                                              progress: { progress.update($0) })
        let meta: [String: Any] = ["likelihood": a.likelihood.rawValue, "latent": a.latent, "input": a.input, "k": iwaeK, "images": count,
                                   "layers": layers, "bounds": bounds, "imagesFile": "images.f32", "paramsFile": "params.f32", "noiseFile": "noise.f32"]
        var pixels = Data()
        trainer.test.images[0..<(count * d)].withUnsafeBufferPointer { pixels.append(Data(buffer: $0)) }
        do {
            try params.write(to: URL(fileURLWithPath: dir + "/params.f32"))
            try noise.write(to: URL(fileURLWithPath: dir + "/noise.f32"))
            try pixels.write(to: URL(fileURLWithPath: dir + "/images.f32"))
            try JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]).write(to: URL(fileURLWithPath: dir + "/iwae.json"))
        } catch { throw fail("--dump: cannot write into \(dir): \(error.localizedDescription)", code: 74) }
        return bounds.reduce(0, +) / Double(count)
    }
}
