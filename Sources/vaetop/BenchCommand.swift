import ArgumentParser
import Datasets
import Foundation
import RunControl
import Runs
import TensorCore
import Training

/// `vaetop bench`: training throughput of a configuration (use a release build).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure training samples/s (forward + backward + optimizer step).")

    @OptionGroup var options: TrainingOptions
    @Option(help: "Seconds to measure after the warm-up.") var seconds: Double = 10
    @Option(help: "Warm-up steps, not measured.") var warmup: Int = 20
    @Option(help: "Seconds of the GEMM-only probe (the step's matrix products alone, 1 thread; 0: none).") var probe: Double = 3

    func run() throws {
        let config: RunConfig
        do { config = try options.makeConfig() } catch { throw fail(error.description) }
        let source: DataSource = config.data.map { .directory($0) } ?? .embedded
        let data: (train: ImageDataset, test: ImageDataset)
        do { data = try source.load() } catch { throw fail("--data: \(error)", code: 65) }
        var c = config
        c.epochs = 100_000
        c.evalEvery = Int(Int32.max)
        // A benchmark measures the configuration as given: the default diverge rule would quietly measure a halved
        // lr. A rule given on the command line is kept.
        if options.guardOptions.onDiverge == nil { c.guards.diverge = .off(.diverge) }
        let trainer: Trainer
        do { trainer = try Trainer(config: c, data: data, directory: nil) } catch { throw fail("\(error)", code: 74) }
        for _ in 0..<warmup { trainer.step() }
        var samples = 0
        var steps = 0
        var best = 0.0
        let t0 = DispatchTime.now().uptimeNanoseconds
        var lastMark = t0, lastSamples = 0
        trainer.sink = { e in if case .step(let m) = e { samples += m.batchSize; steps += 1 } }
        while Double(DispatchTime.now().uptimeNanoseconds - t0) < seconds * 1e9 {
            trainer.step()
            let now = DispatchTime.now().uptimeNanoseconds
            if now - lastMark > 1_000_000_000 {
                best = max(best, Double(samples - lastSamples) / (Double(now - lastMark) / 1e9))
                lastMark = now; lastSamples = samples
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        if trainer.diverged || steps == 0 {
            // As `train` does: a run that only skips non-finite steps measures nothing.
            throw fail("the run diverged at step \(trainer.stepsDone) (\(trainer.config.nanPatience) non-finite steps in a row): "
                       + "nothing to measure; lower the lr (--lr) or clip the gradient (--clip-norm)", code: 3)
        }
        let rate = Double(samples) / elapsed
        var line = String(format: "vaetop_samples_per_s %.0f threads %d (workers %d, openblas kernel %@) batch %d steps %d seconds %.1f best_1s_window %.0f",
                          rate, config.threads, trainer.workers, BLASThreads.coreName, config.batchSize, steps, elapsed, best)
        if probe > 0 && config.model == .vae {
            // The step's matrix products alone, on one thread, in the same run: the speed no step can beat.
            let architecture = trainer.model.architecture
            let gemm = GEMMProbe(architecture: architecture, batch: config.batchSize)
            let limit = gemm.stepsPerSecond(seconds: probe) * Double(config.batchSize)
            line += String(format: " gemm_limit_samples_per_s %.0f (1 thread, %.2f MFLOP per sample, %.1f GFLOP/s) share %.0f%%",
                           limit, gemm.flopsPerSample / 1e6, limit * gemm.flopsPerSample / 1e9, rate / limit * 100)
            if config.threads > 1 { line += " (of a 1-thread limit)" }
        }
        print(line)
    }
}
