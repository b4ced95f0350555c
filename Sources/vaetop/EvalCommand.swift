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
        var noise = Data(), bounds: [Double] = []
        var rng = RandomSource(seed: IWAE.seed(trainer.config.seed))
        let d = a.input
        trainer.test.images.withUnsafeBufferPointer { src in
            for i in 0..<count {
                bounds.append(estimator.negativeBound(image: src.baseAddress! + i * d, k: iwaeK, rng: &rng) { p, n in
                    noise.append(Data(buffer: UnsafeBufferPointer(start: p, count: n)))
                })
                progress.update(i + 1)
            }
        }
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

/// The eval command's progress: a bar with images done and the time left on a terminal, a line every 10 % otherwise.
final class IWAEProgress {
    let total: Int, k: Int
    let start = Date()
    let tty = isatty(STDERR_FILENO) == 1
    private var lastDraw = 0.0, lastTenth = 0

    init(total: Int, k: Int) { self.total = total; self.k = k }

    func update(_ done: Int) {
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let text = String(format: "IWAE k=%d: %d/%d images, %.0f s, ETA %@", k, done, total, elapsed, Self.clock(eta))
        if tty {
            guard elapsed - lastDraw > 0.2 || done == total else { return }
            lastDraw = elapsed
            let width = 24, filled = Int(Double(width) * Double(done) / Double(max(1, total)))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(text) \u{1B}[K".utf8))
        } else if done * 10 / max(1, total) > lastTenth || done == total {
            lastTenth = done * 10 / max(1, total)
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    func finish() { if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }

    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return String(format: "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
    }
}
