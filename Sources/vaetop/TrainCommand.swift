import ArgumentParser
import CursesBackend
import Datasets
import Foundation
import RunControl
import Runs
import Training

/// `vaetop train`: train a VAE, headless or on the screen.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train a VAE (the default command).")

    @OptionGroup var options: TrainingOptions
    @Flag(help: "No screen: progress on stdout, records in the run file.") var headless = false
    @Option(help: "Run directory to create (default: runs/<timestamp>).", completion: .directory) var out: String?
    @Option(help: "Continue the run in this directory from its checkpoint, appending to its run file.", completion: .directory) var resume: String?
    @Option(help: "Start a new run from the checkpoint of this run (with --at); knob flags (\(Train.forkKnobs.map(\.flag).joined(separator: ", "))) then apply as changes, --epochs extends the plan.",
            completion: .directory)
    var fork: String?
    @Option(help: "With --fork: the step to fork at (the run's checkpoint must be at or before it).") var at: Int?
    @OptionGroup var screen: ScreenOptions

    func run() throws {
        let trainer: Trainer
        var initial: [RunCommand] = []
        if let fork {
            (trainer, initial) = try forkedTrainer(fork)
        } else if at != nil {
            throw fail("--at: only with --fork RUN")
        } else if let resume {
            do { try RunLock.check(resume) } catch {
                if case .locked = error { throw fail("--resume: \(error)", code: 75) }
                throw fail("--resume: \(error)", code: 74)
            }
            do { trainer = try Trainer(resume: resume) } catch { throw fail("--resume: \(error)", code: 65) }
            if let note = trainer.resumeNote { FileHandle.standardError.write(Data("vaetop: --resume: \(note)\n".utf8)) }
        } else {
            let config: RunConfig
            do { config = try options.makeConfig(onScreen: !headless && CursesTerminal.unavailable == nil) } catch { throw fail(error.description) }
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
            try runHeadless(trainer, resumed: resume != nil, initial: initial)
            return
        }
        let backend: CursesTerminal
        do { backend = try CursesTerminal(ascii: screen.ascii) } catch {
            FileHandle.standardError.write(Data("vaetop: \(error): no screen, training headless\n".utf8))
            try runHeadless(trainer, resumed: resume != nil, initial: initial)
            return
        }
        try trainOnScreen(trainer, backend: backend, resumed: resume != nil, options: screen, initial: initial)
    }

    /// The knob flags a fork applies as changes, and the settings it may take from the flags without changing the
    /// model, the data or the schedules (the settings table's `fork` column).
    static let forkKnobs: [(flag: String, parameter: Hyperparameter)] = RunConfig.settings.compactMap { s in
        guard s.fork == .knob, let flag = s.flag, let p = s.live else { return nil }
        return (flag, p)
    }
    static let forkSettings = RunConfig.settings.filter { $0.fork == .setting }.compactMap(\.flag)
    static let forkOwnFlags = ["--fork", "--at", "--out", "--headless", "--theme", "--ascii"]

    /// `--fork RUN --at STEP`: a new run from RUN's checkpoint, its knob flags applied as recorded changes.
    func forkedTrainer(_ source: String) throws -> (Trainer, [RunCommand]) {
        guard let at else { throw fail("--fork: give the step to fork at with --at STEP") }
        guard resume == nil else { throw fail("--fork and --resume: give one of them") }
        let given = Set(CommandLine.arguments.compactMap { a -> String? in
            guard a.hasPrefix("--") else { return nil }
            return String(a.split(separator: "=", maxSplits: 1)[0])
        })
        let allowed = Set(Self.forkKnobs.map(\.flag) + Self.forkSettings + Self.forkOwnFlags)
        if let bad = given.subtracting(allowed).sorted().first {
            throw fail("--fork keeps \(source)'s model, data and schedules: \(bad) cannot change at a fork (knobs: \(Self.forkKnobs.map(\.flag).joined(separator: " ")))")
        }
        let config: RunConfig
        do { config = try options.makeConfig() } catch { throw fail(error.description) }
        let sourceDir = URL(fileURLWithPath: SampleRuns.resolve(source)).standardizedFileURL.path
        let dir = out ?? RunDirectory.defaultPath()
        do { try RunDirectory.check(dir) } catch { throw fail(error.description, code: error.exitCode) }
        do { try RunDirectory.create(dir) } catch { throw fail(error.description) }
        let trainer: Trainer
        do {
            // More epochs extend the plan (schedules that span the run stretch to the new length).
            trainer = try Trainer(fork: sourceDir, at: at, into: dir) { c in
                for s in RunConfig.settings where s.fork == .setting && s.flag.map(given.contains) == true { s.copy(from: config, into: &c) }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw fail("--fork: \(error)", code: 65)
        }
        // A knob that is off (clipping) is set to 0, which turns it off.
        let changes = Self.forkKnobs.filter { given.contains($0.flag) }.map { k in RunCommand.set(k.parameter, k.parameter.initialValue(in: config) ?? 0) }
        return (trainer, changes)
    }

    /// Trains on this thread, printing progress.
    func runHeadless(_ trainer: Trainer, resumed: Bool, initial: [RunCommand] = []) throws {
        let printer = ProgressPrinter(totalSteps: trainer.plannedSteps, epochs: trainer.config.epochs)
        trainer.sink = printer.handle
        installStopSignalHandlers()
        if resumed { trainer.beginResumed() } else { trainer.begin() }
        for c in initial { trainer.apply(c, source: .fork) }
        FileHandle.standardOutput.write(Data("vaetop: training \(trainer.runHeader.parameters) parameters on \(trainer.train.count) images, run directory \(trainer.directory ?? "-")\n".utf8))
        let summary = trainer.run(Trainer.Control(interruption: stopReason, endWhenDiverged: true))
        for line in guardSummary(trainer) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        try exitStatus(of: trainer, summary: summary)
    }
}

/// The guards' part of a run's summary: each rule that is on, how often it fired, and every firing.
func guardSummary(_ trainer: Trainer) -> [String] {
    let rules = trainer.config.guards.active.filter { $0.actions != [.stop] || $0.trigger != .diverge }
    guard !rules.isEmpty else { return [] }
    var lines = ["guards: " + rules.map { r in
        "\(r.trigger.rawValue) \(r.text) fired \(trainer.guardCount(r.trigger))×" + (trainer.guardQuiet(r.trigger) ? " (quiet: undone)" : "")
    }.joined(separator: "; ")]
    for f in trainer.guardFirings { lines.append("  guard \(f.trigger.rawValue) at step \(f.step): \(f.text)") }
    return lines
}

/// The exit status after training, headless or on the screen: 74 when the run file or a checkpoint could not be
/// written (saying what was not saved), 3 when the run diverged, 128 + the signal when one stopped it, else 0.
func exitStatus(of trainer: Trainer, summary: RunSummary?) throws {
    if let e = trainer.writeError { throw fail("run file: \(e)", code: 74) }
    // A diverge rule out of tries ends the run diverged (above) or was repaired by hand; the others went on unrepaired.
    let ranOut = GuardRule.Trigger.allCases.filter(trainer.guardsRanOut.contains)
    func outOfTries(_ t: GuardRule.Trigger) -> String {
        let tries = trainer.config.guards[t].maxFirings
        return "the \(t.rawValue) guard ran out of tries (\(tries) of \(tries))"
    }
    if let summary, summary.reason == .diverged {
        let kept = trainer.checkpointStep.map { "checkpoint.bin holds step \($0), the last finite state" } ?? "no checkpoint was written"
        let guardNote = ranOut.contains(.diverge) ? "; " + outOfTries(.diverge) : ""
        throw fail("training diverged at step \(summary.step) (\(trainer.config.nanPatience) non-finite steps in a row; lower the lr or clip the gradient)\(guardNote); \(kept)", code: 3)
    }
    let unrepaired = ranOut.filter { $0 != .diverge }.map(outOfTries)
    if !unrepaired.isEmpty {
        throw fail(unrepaired.joined(separator: "; ") + ": the run went on without its repair (docs/guards.md)", code: 3)
    }
    if let e = trainer.checkpointError { throw fail(e, code: 74) }
    if let code = signalExitCode() { throw ExitCode(code) }
}
