import Datasets
import Foundation
import Runs
import TensorCore
import TestSupport
import Testing
@testable import RunControl
@testable import Training

/// Small configurations on synthetic 8×8 images, so a whole run takes milliseconds.
func tinyConfig(_ edit: (inout RunConfig) -> Void = { _ in }) -> RunConfig {
    var c = RunConfig()
    c.encoder = [16]; c.decoder = [16]; c.latent = 4; c.batchSize = 16; c.epochs = 3
    c.optimizer.lr = 1e-2
    edit(&c)
    return c
}

let tinyData = (train: TinyData.bars(count: 64), test: TinyData.bars(count: 24, seed: 8))

@Suite(.serialized) struct TrainerTests {
    @Test func sameSeedSameWeightsBitForBit() throws {
        let a = try Trainer(config: tinyConfig(), data: tinyData, directory: nil)
        let b = try Trainer(config: tinyConfig(), data: tinyData, directory: nil)
        a.run(); b.run()
        #expect(a.model.params.values.array == b.model.params.values.array)
        let c = try Trainer(config: tinyConfig { $0.seed = 2 }, data: tinyData, directory: nil)
        c.run()
        #expect(a.model.params.values.array != c.model.params.values.array)
    }

    @Test func headlessRunWritesACompleteRunFile() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var events: [RunEvent] = []
        let t = try Trainer(config: tinyConfig { $0.evalEvery = 5 }, data: tinyData, directory: dir.file("run"), sink: { events.append($0) })
        t.begin()
        let summary = t.run()
        #expect(summary.reason == .finished)
        #expect(summary.step == 12)                      // 64 images / 16 × 3 epochs
        let contents = try RunFileReader.read(dir.file("run"))
        #expect(contents.skipped.isEmpty && !contents.tornTail)
        #expect(contents.header.config == t.config)
        #expect(contents.header.layers == ["enc1", "mu", "logvar", "dec1", "out"])
        #expect(contents.events == Array(events.dropFirst()))
        let steps = contents.events.compactMap { if case .step(let m) = $0 { m } else { nil } }
        #expect(steps.map(\.step) == Array(1...12))
        #expect(steps.allSatisfy { $0.klDims.count == 4 && $0.layerGradNorms.count == 5 && $0.loss.isFinite })
        let evals = contents.events.compactMap { if case .eval(let m) = $0 { m } else { nil } }
        // Every 5 steps and at the end; the end's again with the IWAE bound (k 100 over the 24 test images), at most
        // the test loss (the 1-sample bound).
        #expect(evals.map(\.step) == [5, 10, 12, 12])
        #expect(evals.last!.images == 24 && evals.last!.iwaeK == 100 && evals.last!.iwaeImages == 24)
        #expect(evals.dropLast().allSatisfy { $0.iwae == nil } && evals.last!.iwae.map { $0.isFinite && $0 < evals.last!.loss } == true)
        #expect(Array(evals.dropLast()).last.map { var e = $0; e.iwae = evals.last!.iwae; e.iwaeK = 100; e.iwaeImages = 24; return e } == evals.last)
        if case .end(let e)? = contents.events.last { #expect(e.testLoss == evals.last!.loss) } else { Issue.record("no end record") }
        #expect(FileManager.default.fileExists(atPath: dir.file("run/checkpoint.bin")))
        // The loss went down.
        #expect(steps.last!.loss < steps.first!.loss)
    }

    @Test func stepMetricsAreConsistent() throws {
        var steps: [StepMetrics] = []
        let t = try Trainer(config: tinyConfig { $0.epochs = 1 }, data: tinyData, directory: nil, sink: { if case .step(let m) = $0 { steps.append(m) } })
        t.run()
        for m in steps {
            #expect(abs(m.klDims.reduce(0, +) - m.kl) < 1e-3 * max(1, m.kl))
            #expect(abs(m.recon + Float(m.beta) * m.kl - m.loss) < 1e-3 * m.loss)
            let layers = m.layerGradNorms.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(layers - m.gradNorm) < 1e-3 * m.gradNorm)
            #expect(m.gradNormClipped == m.gradNorm && m.clipCoef == 1)
        }
    }

    @Test func nonFiniteLossSkipsTheStepAndLeavesWeights() throws {
        var bad = tinyData.train.images
        for i in 0..<bad.count where i % 64 == 0 { bad[i] = .nan }          // every image poisoned
        let data = (train: ImageDataset(images: bad, labels: tinyData.train.labels, rows: 8, cols: 8), test: tinyData.test)
        var events: [RunEvent] = []
        // Without a repair (--on-diverge stop): GuardTests covers the default rule.
        let t = try Trainer(config: tinyConfig { $0.nanPatience = 3; $0.guards.diverge = try! GuardRule(parsing: "stop", for: .diverge) },
                            data: data, directory: nil, sink: { events.append($0) })
        let before = t.model.params.values.array
        for _ in 0..<3 { #expect(t.step() == .skipped) }
        #expect(t.model.params.values.array == before)
        #expect(t.stepsDone == 0)
        #expect(t.paused)
        #expect(events.contains { if case .skipped(let s) = $0 { s.reason.contains("loss is nan") } else { false } })
        #expect(events.contains { if case .alert(let a) = $0 { a.level == .error } else { false } })
        #expect(events.contains { if case .state(let s) = $0 { s.state == .diverged } else { false } })
    }

    @Test func clippingByNormReportsCoefficient() throws {
        var steps: [StepMetrics] = []
        let t = try Trainer(config: tinyConfig { $0.clip.maxNorm = 0.5; $0.epochs = 1 }, data: tinyData, directory: nil,
                            sink: { if case .step(let m) = $0 { steps.append(m) } })
        t.run()
        for m in steps where m.gradNorm > 0.5 {
            #expect(abs(Double(m.clipCoef) - 0.5 / (Double(m.gradNorm) + 1e-6)) < 1e-5)
            #expect(abs(m.gradNormClipped - 0.5) < 1e-4)
        }
        #expect(steps.contains { $0.gradNorm > 0.5 })
    }

    /// Every command is answered with a typed outcome, the one a trainer in another process writes; only the
    /// answers that changed nothing are also outcome records (an applied change is recorded by its change).
    @Test func everyCommandReturnsItsOutcome() throws {
        var events: [RunEvent] = []
        let t = try Trainer(config: tinyConfig(), data: tinyData, directory: nil, sink: { events.append($0) })
        t.begin(); t.step(); t.step()
        func outcomes() -> [CommandOutcome] { events.compactMap { if case .outcome(let o) = $0 { o } else { nil } } }
        let set = t.apply(.set(.lr, 0.004))
        #expect(set == CommandOutcome(step: 2, id: nil, command: "set", parameter: "lr", outcome: .applied, from: 2))
        #expect(outcomes().isEmpty)
        let bad = t.apply(.set(.lr, -1))
        #expect(bad.outcome == .refused && bad.parameter == "lr" && bad.reason?.contains("lr") == true && outcomes() == [bad])
        #expect(t.apply(.pause).outcome == .applied && t.paused)
        let again = t.apply(.pause)
        #expect(again.outcome == .applied && again.reason == "already paused: nothing changed" && outcomes().last == again)
        #expect(t.apply(.resume).outcome == .applied && !t.paused)
        #expect(t.apply(.resume).reason == "already running: nothing changed")
        #expect(t.apply(.traverse(dimension: 99)).outcome == .refused)
        #expect(t.apply(.clear(.freeBits)).outcome == .refused)
        #expect(t.apply(.clear(.beta)).reason?.contains("follows its schedule") == true)
        let undo = t.apply(.undo)
        #expect(undo.outcome == .applied && undo.command == "undo" && undo.reason?.contains("undo lr") == true)
        #expect(t.apply(.undo).outcome == .refused)
        #expect(t.apply(.rewind(toStep: 50)).outcome == .refused)
        #expect(t.apply(.rewind(toStep: 0)).reason == "no snapshot at or before step 0; snapshots: 2")
        t.step()
        let rewind = t.apply(.rewind(toStep: 2))
        #expect(rewind.outcome == .applied && rewind.command == "rewind" && rewind.from == 2 && t.paused)
        // What was recorded as an answer is exactly what the calls returned for the commands that changed nothing.
        #expect(outcomes().allSatisfy { $0.outcome == .refused || $0.reason?.contains("nothing changed") == true || $0.reason?.contains("schedule") == true })
    }

    @Test func commandsAreValidatedAppliedAndRecorded() throws {
        var events: [RunEvent] = []
        let t = try Trainer(config: tinyConfig { $0.lrSchedule.kind = .exponential; $0.lrSchedule.gamma = 0.5 }, data: tinyData,
                            directory: nil, sink: { events.append($0) })
        t.step(); t.step()
        // lr override scales the schedule: schedule at t=2 is 0.0025; ask for 0.005 → multiplier 2.
        t.apply(.set(.lr, 0.005))
        #expect(abs(t.currentLR - 0.005) < 1e-15)
        guard case .change(let ch)? = events.last else { Issue.record("no change record"); return }
        #expect(ch.parameter == .lr && ch.step == 2 && abs(ch.old! - 0.0025) < 1e-15 && ch.new == 0.005)
        t.step()
        #expect(abs(t.currentLR - 0.0025) < 1e-15)        // schedule halves, override keeps scaling it
        t.apply(.clear(.lr))
        #expect(abs(t.currentLR - 0.00125) < 1e-15)
        // A bad value changes nothing and says why.
        let before = t.knobs
        t.apply(.set(.freeBits, -1))
        #expect(t.knobs == before)
        guard case .outcome(let o)? = events.last else { Issue.record("no outcome"); return }
        #expect(o.outcome == .refused && o.command == "set" && o.parameter == "free_bits" && o.from == nil)
        #expect(o.reason?.contains("free bits") == true && o.reason?.contains("-1") == true)
        // The same value again: applied, nothing changed, no change record.
        let freeBits = t.knobs.freeBits
        t.apply(.set(.freeBits, freeBits))
        guard case .outcome(let same)? = events.last else { Issue.record("no outcome"); return }
        #expect(same.outcome == .applied && same.reason?.contains("nothing changed") == true)
        t.apply(.set(.batchSize, 40))
        #expect(t.knobs.batchSize == 40 && (t.workspace?.capacity ?? 0) >= 40)
        t.step()        // the last 16 images of epoch 1
        t.step()        // epoch 2 starts with a batch of 40
        guard case .step(let m)? = events.last(where: { if case .step = $0 { true } else { false } }) else { return }
        #expect(m.batchSize == 40)
        t.apply(.set(.beta, 0.25))
        #expect(t.currentBeta == 0.25)
        t.apply(.pause)
        #expect(t.paused)
    }

    @Test func linearScalingRuleScalesLR() throws {
        let t = try Trainer(config: tinyConfig { $0.scaleLR = true; $0.baseBatchSize = 8; $0.batchSize = 16 }, data: tinyData, directory: nil)
        #expect(abs(t.currentLR - 0.02) < 1e-15)
        t.apply(.set(.batchSize, 32))
        #expect(abs(t.currentLR - 0.04) < 1e-15)
    }

    /// A run interrupted after its checkpoint and resumed ends with the same weights as one run straight through.
    @Test func resumeEqualsUninterrupted() throws {
        let cfg = tinyConfig { $0.epochs = 4; $0.optimizer.kind = .adamw; $0.lrSchedule.kind = .onecycle; $0.betaSchedule.kind = .cyclical }
        let straight = try Trainer(config: cfg, data: tinyData, directory: nil)
        straight.run()

        let dir = TempDirectory(); defer { dir.remove() }
        let a = try Trainer(config: cfg, data: tinyData, directory: dir.file("r"))
        a.begin()
        for _ in 0..<7 { a.step() }                       // stops mid-epoch 2
        a.checkpoint(); a.close()
        let b = try Trainer(resume: dir.file("r"), data: tinyData)
        #expect(b.stepsDone == 7 && b.epoch == 2)
        b.beginResumed()
        b.run()
        #expect(b.stepsDone == straight.stepsDone)
        #expect(b.model.params.values.array == straight.model.params.values.array)
        let contents = try RunFileReader.read(dir.file("r"))
        #expect(contents.events.contains { if case .state(let s) = $0 { s.reason == "resumed" && s.step == 7 } else { false } })
        #expect(contents.skipped.isEmpty)
    }

    @Test func resumeKeepsLiveChangesAndRejectsBadCheckpoints() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let a = try Trainer(config: tinyConfig(), data: tinyData, directory: dir.file("r"))
        a.begin()
        a.step()
        a.apply(.set(.freeBits, 0.1)); a.apply(.set(.beta, 0.5)); a.apply(.set(.clipNorm, 2))
        a.checkpoint(); a.close()
        let b = try Trainer(resume: dir.file("r"), data: tinyData)
        #expect(b.knobs == a.knobs && b.currentBeta == 0.5)
        // Truncate the checkpoint: a clear error names the file.
        let path = dir.file("r/checkpoint.bin")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        #expect { try Trainer(resume: dir.file("r"), data: tinyData) } throws: { e in
            "\(e)".contains("checkpoint.bin") && "\(e)".contains("truncated")
        }
    }
}

@Suite struct FreeBitsMetricsTests {
    @Test func rawAndObjectiveKLAreLoggedPerDimension() throws {
        var steps: [StepMetrics] = []
        let t = try Trainer(config: tinyConfig { $0.freeBits = 0.5; $0.epochs = 1 }, data: tinyData, directory: nil,
                            sink: { if case .step(let m) = $0 { steps.append(m) } })
        t.run()
        for m in steps {
            let obj = try #require(m.klObjectiveDims)
            #expect(obj == m.klDims.map { max(0.5, $0) })
            #expect(abs(obj.reduce(0, +) - m.klObjective!) < 1e-3 * max(1, m.klObjective!))
            #expect(m.freeBits == 0.5)
        }
        #expect(steps.contains { $0.klDims.contains { $0 < 0.5 } })
    }
}

/// Two threads split each batch across two workers: the same gradients up to summation order.
@Suite(.serialized) struct DataParallelTests {
    @Test func twoWorkersMatchOneAndAreDeterministic() throws {
        var one: [StepMetrics] = [], two: [StepMetrics] = [], again: [StepMetrics] = []
        let cfg = tinyConfig { $0.epochs = 2; $0.freeBits = 0.2 }
        let a = try Trainer(config: cfg, data: tinyData, directory: nil, sink: { if case .step(let m) = $0 { one.append(m) } })
        a.run()
        let b = try Trainer(config: tinyConfig { $0.epochs = 2; $0.freeBits = 0.2; $0.threads = 2 }, data: tinyData, directory: nil,
                            sink: { if case .step(let m) = $0 { two.append(m) } })
        #expect(b.workers == 2)
        b.run()
        let c = try Trainer(config: tinyConfig { $0.epochs = 2; $0.freeBits = 0.2; $0.threads = 2 }, data: tinyData, directory: nil,
                            sink: { if case .step(let m) = $0 { again.append(m) } })
        c.run()
        #expect(one.count == two.count)
        for (x, y) in zip(one, two) {
            #expect(abs(x.loss - y.loss) <= 1e-3 * x.loss, "step \(x.step): \(x.loss) vs \(y.loss)")
            #expect(abs(x.gradNorm - y.gradNorm) <= 1e-3 * x.gradNorm)
            #expect(x.klObjectiveDims!.count == y.klObjectiveDims!.count)
        }
        #expect(b.model.params.values.array == c.model.params.values.array)
        let wa = a.model.params.values.array, wb = b.model.params.values.array
        #expect(zip(wa, wb).map { abs($0 - $1) }.max()! < 1e-3)
        #expect(two.map(\.loss) == again.map(\.loss))
    }
}
