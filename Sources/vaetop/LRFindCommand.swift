import ArgumentParser
import CursesBackend
import Datasets
import EventSources
import Foundation
import Monitor
import RunControl
import Runs
import Training

extension LRRangeTest.Mode: ExpressibleByArgument {}
extension LRRangeTest.Style: ExpressibleByArgument {}

/// `vaetop lr-find`: the learning-rate range test on the current configuration (headless).
struct LRFind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "Run the LR range test and print its suggestions; --apply trains with them.")

    @OptionGroup var options: TrainingOptions
    @Option(name: .customLong("start-lr"), parsing: .unconditional, help: "First lr of the ramp.") var startLR: Double = 1e-7
    @Option(name: .customLong("end-lr"), parsing: .unconditional, help: "Last lr of the ramp.") var endLR: Double = 10
    @Option(name: .customLong("lr-steps"), parsing: .unconditional, help: "Steps of the ramp.") var lrSteps: Int = 100
    @Option(help: "exponential or linear.") var ramp: LRRangeTest.Mode = .exponential
    @Option(help: "Whose test: lr-finder (pytorch-lr-finder's grid, smoothing and stop rule) or fastai (Learner.lr_find exactly: its grid, float32 AvgSmoothLoss, 4x stop rule and valley/minimum/steep).")
    var like: LRRangeTest.Style = .lrFinder
    @Option(parsing: .unconditional, help: "Stop when the smoothed loss exceeds this x the best (default: 5; 4 with --like fastai).") var diverge: Double?
    @Option(help: "Then train headless with a schedule between the suggested bounds: onecycle or cyclic.") var apply: LRScheduleConfig.Kind?
    @Option(help: "Run directory for --apply (default: runs/<timestamp>).", completion: .directory) var out: String?
    @Flag(help: "No screen: print the curve and the suggestions.") var headless = false
    @OptionGroup var screen: ScreenOptions

    func run() throws {
        var config: RunConfig
        // o / y train on the screen after the test: a run as long as any trained there.
        do { config = try options.makeConfig(onScreen: !headless && apply == nil && CursesTerminal.unavailable == nil) } catch { throw fail(error.description) }
        guard startLR > 0, endLR > startLR, endLR <= 100 else { throw fail("--start-lr/--end-lr: need 0 < start < end ≤ 100, got \(startLR) … \(endLR)") }
        guard (5...100_000).contains(lrSteps) else { throw fail("--lr-steps: must be in 5…100000, got \(lrSteps)") }
        let diverge = self.diverge ?? LRRangeTest.divergeThreshold(like)
        guard diverge > 1, diverge.isFinite else { throw fail("--diverge: must be > 1, got \(diverge)") }
        if like == .fastai && ramp == .linear { throw fail("--ramp: fastai's lr_find ramps exponentially; --like fastai takes no linear ramp") }
        if let apply, apply != .onecycle && apply != .cyclic { throw fail("--apply: onecycle or cyclic, got '\(apply.rawValue)'") }
        let source: DataSource = config.data.map { .directory($0) } ?? .embedded
        let data: (train: ImageDataset, test: ImageDataset)
        do { data = try source.load() } catch { throw fail("--data: \(error)", code: 65) }
        var probeConfig = config
        probeConfig.epochs = max(config.epochs, lrSteps / max(1, (data.train.count + config.batchSize - 1) / config.batchSize) + 1)
        let probe: Trainer
        do { probe = try Trainer(config: probeConfig, data: data, directory: nil) } catch { throw fail("\(error)", code: 74) }
        var test = LRRangeTest()
        test.start = startLR; test.end = endLR; test.steps = lrSteps; test.mode = ramp; test.divergeThreshold = diverge; test.style = like
        if like == .fastai { test.steps = max(6, lrSteps) }   // LRFinder: `if num_it < 6: num_it = 6`
        if !headless, let backend = try? CursesTerminal(ascii: screen.ascii) {
            try onScreen(probe: probe, test: test, config: config, data: data, backend: backend)
            return
        }
        let result = probe.findLR(test)
        print("lr range test (\(like == .fastai ? "fastai's lr_find" : "pytorch-lr-finder's rules")): \(result.lrs.count) steps, \(ramp.rawValue) ramp \(startLR) → \(endLR)\(result.diverged ? ", stopped: loss diverged" : "")")
        let every = max(1, result.lrs.count / 20)
        for i in stride(from: 0, to: result.lrs.count, by: every) {
            print(String(format: "  lr %.3e  loss %9.3f  smoothed %9.3f", result.lrs[i], result.losses[i], result.smoothed[i]))
        }
        let s = result.suggestions
        func f(_ v: Double?) -> String { v.map { String(format: "%.3e", $0) } ?? "n/a" }
        let summary = "suggestions: steepest \(f(s.steepest)), valley \(f(s.valley)), minimum/10 \(f(s.minimumOverTen)); cyclic bounds \(f(s.cyclicBase)) … \(f(s.cyclicMax))"
        print(summary)
        guard let apply else { return }
        guard let lo = s.cyclicBase, let hi = s.cyclicMax else { throw fail("--apply: the curve gives no cyclic bounds (the loss never fell)", code: 65) }
        Self.applySchedule(apply, lo: lo, hi: hi, to: &config)
        let dir = out ?? RunDirectory.defaultPath()
        do { try RunDirectory.check(dir); try RunDirectory.create(dir) } catch { throw fail(error.description, code: error.exitCode) }
        let trainer: Trainer
        do { trainer = try Trainer(config: config, data: data, directory: dir) } catch { throw fail("\(error)", code: 74) }
        trainer.begin()
        trainer.record(.rangeTest(result.record(test, step: 0, finished: true, applied: apply)))
        trainer.note("lr range test (\(result.lrs.count) steps): \(summary); training with \(apply.rawValue) between \(f(lo)) and \(f(hi))")
        let printer = ProgressPrinter(totalSteps: trainer.plannedSteps, epochs: config.epochs)
        trainer.sink = printer.handle
        installStopSignalHandlers()
        let outcome = trainer.run(Trainer.Control(interruption: stopReason, endWhenDiverged: true))
        try exitStatus(of: trainer, summary: outcome)
    }

    /// One-cycle peaking at max_lr and starting at base_lr (div_factor = max/base), or cyclic between them.
    static func applySchedule(_ kind: LRScheduleConfig.Kind, lo: Double, hi: Double, to config: inout RunConfig) {
        if kind == .onecycle {
            config.lrSchedule.kind = .onecycle
            config.lrSchedule.maxLR = hi
            config.lrSchedule.divFactor = max(1, hi / lo)
        } else {
            config.lrSchedule.kind = .cyclic
            config.lrSchedule.baseLR = lo
            config.lrSchedule.maxLR = hi
        }
    }

    /// The range test on the screen: the curve grows live; o or y then trains on the same screen.
    func onScreen(probe: Trainer, test: LRRangeTest, config: RunConfig, data: (train: ImageDataset, test: ImageDataset),
                  backend: CursesTerminal) throws {
        installStopSignalHandlers()
        let source = RangeTestSource()
        source.post(.header(probe.runHeader))
        let worker = RangeTestWorker(probe: probe)
        let thread = Thread {
            let t = worker.probe
            let result = t.findLR(test) { partial in source.post(.rangeTest(partial.record(test, step: 0, finished: false))) }
            source.post(.rangeTest(result.record(test, step: 0, finished: true)))
            source.finish(result)
        }
        thread.start()
        let state = runScreen(backend: backend, source: source, mode: .rangeTest, options: screen, runName: "lr-find",
                              plan: nil, keepTerminal: true)
        if state.choice != nil { source.waitUntilFinished() }
        guard let choice = state.choice, let result = source.result,
              let lo = result.suggestions.cyclicBase, let hi = result.suggestions.cyclicMax else {
            backend.shutdown()
            if let r = source.result {
                let s = r.suggestions
                func f(_ v: Double?) -> String { v.map { String(format: "%.3e", $0) } ?? "n/a" }
                print("lr range test: steepest \(f(s.steepest)), valley \(f(s.valley)), minimum/10 \(f(s.minimumOverTen)); cyclic bounds \(f(s.cyclicBase)) … \(f(s.cyclicMax))")
            }
            return
        }
        var cfg = config
        Self.applySchedule(choice, lo: lo, hi: hi, to: &cfg)
        let dir = out ?? RunDirectory.defaultPath()
        do { try RunDirectory.check(dir); try RunDirectory.create(dir) } catch { backend.shutdown(); throw fail(error.description, code: error.exitCode) }
        let trainer: Trainer
        do { trainer = try Trainer(config: cfg, data: data, directory: dir) } catch { backend.shutdown(); throw fail("\(error)", code: 74) }
        try trainOnScreen(trainer, backend: backend, resumed: false, options: screen,
                          before: [.rangeTest(result.record(test, step: 0, finished: true, applied: choice))])
    }
}

/// Hands the probe trainer to the range-test thread, its only user from then on.
final class RangeTestWorker: @unchecked Sendable {
    let probe: Trainer
    init(probe: Trainer) { self.probe = probe }
}

