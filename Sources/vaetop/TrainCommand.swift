import ArgumentParser
import CursesBackend
import Datasets
import Foundation
import Runs
import Training

/// `vaetop train`: train a VAE, headless or on the screen.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a VAE (the default command).")

    @OptionGroup var options: TrainingOptions
    @Flag(help: "No screen: progress on stdout, records in the run file.") var headless = false
    @Option(help: "Run directory to create (default: runs/<timestamp>).") var out: String?
    @Option(help: "Continue the run in this directory from its checkpoint, appending to its run file.") var resume: String?
    @OptionGroup var screen: ScreenOptions

    func run() throws {
        let trainer: Trainer
        if let resume {
            do { try RunLock.check(resume) } catch { throw fail("--resume: \(error)", code: 75) }
            do { trainer = try Trainer(resume: resume) } catch { throw fail("--resume: \(error)", code: 65) }
        } else {
            let config: RunConfig
            do { config = try options.makeConfig() } catch { throw fail(error.description) }
            let dir = out ?? RunDirectory.defaultPath()
            do { try RunDirectory.check(dir) } catch { throw fail(error.description, code: error.exitCode) }
            let source: DataSource = config.data.map { .directory($0) } ?? .embedded
            let data: (train: ImageDataset, test: ImageDataset)
            do { data = try source.load() } catch { throw fail("--data: \(error)", code: 65) }
            guard data.train.count > 0, data.test.count > 0 else { throw fail("--data: no images", code: 65) }
            do { try RunDirectory.create(dir) } catch { throw fail(error.description) }
            do { trainer = try Trainer(config: config, data: data, directory: dir) }
            catch { if case .runFile(.locked) = error { throw fail("\(error)", code: 75) }; throw fail("\(error)", code: 74) }
        }
        if headless {
            try runHeadless(trainer, resumed: resume != nil)
            return
        }
        let backend: CursesTerminal
        do { backend = try CursesTerminal(ascii: screen.ascii) } catch {
            FileHandle.standardError.write(Data("vaetop: \(error): no screen, training headless\n".utf8))
            try runHeadless(trainer, resumed: resume != nil)
            return
        }
        try trainOnScreen(trainer, backend: backend, resumed: resume != nil, options: screen)
    }

    /// Trains on this thread, printing progress.
    func runHeadless(_ trainer: Trainer, resumed: Bool) throws {
        let printer = ProgressPrinter(totalSteps: trainer.plannedSteps, epochs: trainer.config.epochs)
        trainer.sink = printer.handle
        installStopSignalHandlers()
        if resumed { trainer.beginResumed() } else { trainer.begin() }
        FileHandle.standardOutput.write(Data("vaetop: training \(trainer.runHeader.parameters) parameters on \(trainer.train.count) images, run directory \(trainer.directory ?? "-")\n".utf8))
        let summary = trainer.run(Trainer.Control(interruption: stopReason, endWhenDiverged: true))
        try exitStatus(of: trainer, summary: summary)
    }
}

/// The exit status after training, headless or on the screen: 74 when the run file or a checkpoint could not be
/// written (saying what was not saved), 3 when the run diverged, 128 + the signal when one stopped it, else 0.
func exitStatus(of trainer: Trainer, summary: RunSummary?) throws {
    if let e = trainer.writeError { throw fail("run file: \(e)", code: 74) }
    if let summary, summary.reason == .diverged {
        let kept = trainer.checkpointStep.map { "checkpoint.bin holds step \($0), the last finite state" } ?? "no checkpoint was written"
        throw fail("training diverged at step \(summary.step) (\(trainer.config.nanPatience) non-finite steps in a row; lower the lr or clip the gradient); \(kept)", code: 3)
    }
    if let e = trainer.checkpointError { throw fail(e, code: 74) }
    if let code = signalExitCode() { throw ExitCode(code) }
}
