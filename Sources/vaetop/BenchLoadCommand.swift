import ArgumentParser
import Foundation
import Runs
import TensorBoard

/// `vaetop bench-load`: time to load a long run file and the same run as a TensorBoard event file.
struct BenchLoad: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-load", abstract: "Measure run-file and event-file load times.")

    @Option(help: "Steps in the synthetic run.") var steps: Int = 100_000
    @Option(help: "Latent dimensions.") var latent: Int = 20

    func run() throws {
        let dir = NSTemporaryDirectory() + "/vaetop-bench-load-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = RunConfig(); c.latent = latent
        let header = RunHeader(name: "bench", created: "2026-11-27T00:00:00Z", config: c, layers: ["enc1", "mu", "logvar", "dec1", "out"],
                               parameters: 0, trainImages: 0, testImages: 0, stepsPerEpoch: steps)
        let w = try RunFileWriter(path: dir + "/run.jsonl")
        try w.append(.header(header))
        for s in 1...steps {
            let t = Double(s)
            try w.append(.step(StepMetrics(step: s, epoch: 1, loss: Float(100 + 300 * exp(-t / 5000)), recon: 90, kl: 20,
                                           klDims: (0..<latent).map { Float(0.01 + Double($0) * 0.1 + sin(t / 100) * 0.01) }, beta: 1, lr: 1e-3,
                                           gradNorm: Float(30 + sin(t)), gradNormClipped: 30, layerGradNorms: [1, 2, 3, 4, 5], batchSize: 128,
                                           samplesPerSecond: 25_000, time: t / 200)))
        }
        try w.close()
        let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/run.jsonl")[.size] as? Int) ?? 0
        var t0 = Date()
        let contents = try RunFileReader.read(dir)
        let runSeconds = Date().timeIntervalSince(t0)
        let tbFile = try EventFile.write(RunExport.events(contents), to: dir + "/tb", wallTime: 1.8e9).path
        let tbSize = (try? FileManager.default.attributesOfItem(atPath: tbFile)[.size] as? Int) ?? 0
        t0 = Date()
        let imported = RunImport.read(dir + "/tb")
        let tbSeconds = Date().timeIntervalSince(t0)
        print(String(format: "run.jsonl: %d steps, %.1f MB, %d records loaded in %.3f s", steps, Double(size) / 1e6, contents.events.count, runSeconds))
        print(String(format: "event file: %d steps, %.1f MB, %d records loaded in %.3f s", steps, Double(tbSize) / 1e6,
                     imported?.contents.events.count ?? 0, tbSeconds))
    }
}
