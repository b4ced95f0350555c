import Datasets
import Foundation
import Runs
import TensorCore
import TestSupport
import Testing
@testable import RunControl
@testable import Training

/// The guards (`docs/guards.md`) acting on a trainer: what each trigger does, how it is recorded, undo and re-arm,
/// and that rewind + skip is bit for bit a run that skipped those batches.
@Suite(.serialized) struct GuardTests {
    static func rule(_ text: String, _ t: GuardRule.Trigger) -> GuardRule { try! GuardRule(parsing: text, for: t) }

    /// Every image poisoned: the diverge rule rewinds and halves the lr three times (each a guard change with its
    /// rule and reason, a guard rewind, an alert numbered 1…3), then runs out and the run pauses as it did without
    /// guards.
    @Test func divergeRewindsAndHalvesTheLrThenRunsOut() throws {
        var bad = tinyData.train.images
        for i in 0..<bad.count where i % 64 == 0 { bad[i] = .nan }
        let data = (train: ImageDataset(images: bad, labels: tinyData.train.labels, rows: 8, cols: 8), test: tinyData.test)
        var events: [RunEvent] = []
        let t = try Trainer(config: tinyConfig { $0.nanPatience = 3 }, data: data, directory: nil, sink: { events.append($0) })
        t.takeSnapshot(.start)
        for _ in 0..<12 { #expect(t.step() == .skipped) }
        let changes = events.compactMap { if case .change(let c) = $0, c.origin == .guardRule { c } else { nil } }
        #expect(changes.map(\.new) == [5e-3, 2.5e-3, 1.25e-3])
        #expect(changes.allSatisfy { $0.parameter == .lr && $0.rule == "diverge: rewind,lr*0.5,max=3" && $0.reason == "3 non-finite steps in a row" })
        let rewinds = events.compactMap { if case .rewind(let r) = $0 { r } else { nil } }
        #expect(rewinds.count == 3 && rewinds.allSatisfy { $0.reason == .guardRule && $0.to == 0 })
        let firings = events.compactMap { if case .alert(let a) = $0, a.guardTrigger == "diverge" { a.guardFiring } else { nil } }
        #expect(firings == [1, 2, 3])
        #expect(t.paused && t.diverged && t.guardsRanOut == [.diverge])
        #expect(events.contains { if case .alert(let a) = $0 { a.message.contains("out of tries (3 of 3)") } else { false } })
    }

    /// A training set with one image made huge: the batch that holds it is a loss spike. Its position in the first
    /// epoch's order is chosen so the spike comes at step 14 of 16 (batch 4, the window of 10 full by then).
    static func spikeData(_ config: RunConfig) -> (data: (train: ImageDataset, test: ImageDataset), spikeStep: Int) {
        let order = DataLoader(data: tinyData.train, epochs: 1, seed: config.seed &+ 0x5EED_0002).order
        let poisoned = order[13 * config.batchSize]
        var images = tinyData.train.images
        for p in 0..<64 { images[poisoned * 64 + p] = 50 }
        return ((ImageDataset(images: images, labels: tinyData.train.labels, rows: 8, cols: 8), tinyData.test), 14)
    }

    static func spikeConfig(_ on: Bool) -> RunConfig {
        tinyConfig {
            $0.batchSize = 4; $0.epochs = 4; $0.snapshotEvery = 1
            $0.guards.spike = on ? rule("rewind,skip=3,window=10", .spike) : .off(.spike)
        }
    }

    /// Trains `t` until `steps` steps are done (the guards act inside `step()`).
    static func train(_ t: Trainer, to steps: Int) { while t.stepsDone < steps { if t.step() == .finished { break } } }

    /// Rewind + skip gives, bit for bit, the weights of a run that went to the snapshot, skipped those batches and
    /// trained on; the same seed and data give the same firing at the same step.
    @Test func spikeRewindsAndSkipsExactlyAsARunThatSkipped() throws {
        let (data, spikeStep) = Self.spikeData(Self.spikeConfig(true))
        var events: [RunEvent] = []
        let guarded = try Trainer(config: Self.spikeConfig(true), data: data, directory: nil, sink: { events.append($0) })
        Self.train(guarded, to: 20)
        let rewinds = events.compactMap { if case .rewind(let r) = $0 { r } else { nil } }
        let skips = events.compactMap { if case .skip(let s) = $0 { s } else { nil } }
        #expect(rewinds.map(\.step) == [spikeStep] && rewinds.map(\.to) == [spikeStep - 1] && rewinds.first?.reason == .guardRule)
        #expect(skips.map(\.batches) == [3] && skips.first?.images == 12 && skips.first?.rule == "spike: rewind,skip=3,max=3,window=10")
        #expect(skips.first?.reason.hasPrefix("train loss") == true, "\(skips)")
        #expect(guarded.guardFirings.map(\.step) == [spikeStep])

        // The same run without the guard, told to skip the same batches at the snapshot's step.
        let plain = try Trainer(config: Self.spikeConfig(false), data: data, directory: nil)
        Self.train(plain, to: spikeStep - 1)
        #expect(plain.skipBatches(3) == (3, 12))
        Self.train(plain, to: 20)
        #expect(plain.model.params.values.array == guarded.model.params.values.array)
        #expect(plain.checkpointBuffers.map { $0.1.array } == guarded.checkpointBuffers.map { $0.1.array })

        // Reproducible: the same seed, flags and data fire at the same step and end with the same weights.
        let again = try Trainer(config: Self.spikeConfig(true), data: data, directory: nil)
        Self.train(again, to: 20)
        #expect(again.guardFirings.map(\.step) == guarded.guardFirings.map(\.step) && again.guardFirings.map(\.text) == guarded.guardFirings.map(\.text))
        #expect(again.model.params.values.array == guarded.model.params.values.array)
    }

    static func eval(step: Int, collapsed: [Int], active: Int, loss: Float = 100) -> EvalMetrics {
        EvalMetrics(step: step, epoch: 1, loss: loss, recon: loss, kl: 1, klDims: [1, 1, 1, 1], meanVariance: [1, 1, 1, 1],
                    activeUnits: active, collapsed: collapsed, images: 24)
    }

    /// Collapse: more collapsed dimensions (or fewer active units) than the last evaluation fire the rule; `u` undoes
    /// its change and quiets it, `g` re-arms it; after `max` firings it is out of tries.
    @Test func collapseFiresOnNewCollapsesUndoQuietsRearmWakes() throws {
        var events: [RunEvent] = []
        let t = try Trainer(config: tinyConfig { $0.guards.collapse = Self.rule("free-bits+0.05,max=3", .collapse) }, data: tinyData,
                            directory: nil, sink: { events.append($0) })
        t.takeSnapshot(.start)
        func guardChanges() -> [ParameterChange] { events.compactMap { if case .change(let c) = $0, c.origin == .guardRule { c } else { nil } } }
        t.guardEvaluation(Self.eval(step: 0, collapsed: [1], active: 3))
        #expect(guardChanges().map(\.new) == [0.05] && guardChanges().first?.parameter == .freeBits)
        #expect(guardChanges().first?.reason == "z01 collapsed (test KL < 0.01 nats)")
        t.guardEvaluation(Self.eval(step: 0, collapsed: [1], active: 3))
        #expect(guardChanges().count == 1, "nothing new collapsed")
        t.guardEvaluation(Self.eval(step: 0, collapsed: [1], active: 2))
        #expect(guardChanges().map(\.new) == [0.05, 0.1], "fewer active units")
        #expect(guardChanges().last?.reason == "active units 3 → 2")

        // u: back to λ 0.05, and the guard stays quiet.
        #expect(t.apply(.undo).outcome == .applied)
        #expect(t.knobs.freeBits == 0.05 && t.guardQuiet(.collapse))
        t.guardEvaluation(Self.eval(step: 0, collapsed: [1, 2], active: 1))
        #expect(guardChanges().count == 2)
        #expect(t.apply(.rearm).outcome == .applied && !t.guardQuiet(.collapse))
        t.guardEvaluation(Self.eval(step: 0, collapsed: [1, 2, 3], active: 1))
        #expect(guardChanges().count == 3 && t.knobs.freeBits == 0.1)
        t.guardEvaluation(Self.eval(step: 0, collapsed: [0, 1, 2, 3], active: 0))
        #expect(guardChanges().count == 3 && t.guardsRanOut == [.collapse])
        #expect(t.apply(.rearm).reason == "no guard is quiet: nothing changed")
    }

    /// Plateau is ReduceLROnPlateau's rule: with patience 2 the fifth evaluation of [10, 9, 9, 9, 9] fires (three
    /// without improvement, more than the patience), then the count starts again; a cooldown holds it quiet.
    @Test func plateauIsReduceLROnPlateau() throws {
        var g = GuardState(GuardsConfig())
        g.rules.plateau = Self.rule("lr*0.5,patience=2", .plateau)
        #expect([10.0, 9, 9, 9, 9, 9, 9, 9].map { g.plateau(testLoss: $0) } == [false, false, false, false, true, false, false, true])
        // A relative improvement below the threshold is not one.
        var h = GuardState(GuardsConfig())
        h.rules.plateau = Self.rule("lr*0.5,patience=0,threshold=0.01", .plateau)
        #expect([100.0, 99.5, 98].map { h.plateau(testLoss: $0) } == [false, true, false])
        var c = GuardState(GuardsConfig())
        c.rules.plateau = Self.rule("lr*0.5,patience=0,cooldown=2", .plateau)
        #expect([5.0, 5, 5, 5, 5].map { c.plateau(testLoss: $0) } == [false, true, false, false, true])

        var events: [RunEvent] = []
        let t = try Trainer(config: tinyConfig { $0.guards.plateau = Self.rule("lr*0.5,patience=1", .plateau) }, data: tinyData,
                            directory: nil, sink: { events.append($0) })
        for loss: Float in [50, 60, 60] { t.guardEvaluation(Self.eval(step: 0, collapsed: [], active: 4, loss: loss)) }
        let changes = events.compactMap { if case .change(let c) = $0, c.origin == .guardRule { c } else { nil } }
        #expect(changes.map(\.new) == [5e-3] && changes.first?.reason == "test loss not better than 50 for 2 evaluations")
    }

    /// restart-cycle starts the cyclical β ramp again: β falls to the ramp's start and climbs as the first cycle did.
    @Test func restartCycleRampsBetaAgain() throws {
        let t = try Trainer(config: tinyConfig {
            $0.betaSchedule.kind = .cyclical; $0.betaSchedule.cycles = 2
            $0.guards.collapse = Self.rule("restart-cycle", .collapse)
        }, data: tinyData, directory: nil)
        Self.train(t, to: 5)
        let atFive = t.currentBeta
        t.guardEvaluation(Self.eval(step: 5, collapsed: [0], active: 3))
        #expect(t.knobs.betaRestart == 5 && t.currentBeta == t.betaSchedule.beta(at: 0) && t.currentBeta < atFive)
        Self.train(t, to: 7)
        #expect(t.currentBeta == t.betaSchedule.beta(at: 2))
    }
}

/// The LR range test drives the loss up on purpose: no guard acts on its steps, and its steps do not enter the
/// spike rule's window.
@Suite struct GuardsAndTheRangeTestTests {
    @Test func noGuardFiresDuringTheRangeTest() throws {
        var events: [RunEvent] = []
        let t = try Trainer(config: tinyConfig {
            $0.guards.spike = GuardTests.rule("rewind,skip=3,window=5", .spike); $0.nanPatience = 1
        }, data: tinyData, directory: nil, sink: { events.append($0) })
        t.takeSnapshot(.start)
        var test = LRRangeTest(); test.start = 1e-4; test.end = 100; test.steps = 40
        let r = t.findLR(test)
        #expect(r.lrs.count > 5 && t.guardFirings.isEmpty && t.stepsDone == 0)
        #expect(!events.contains { if case .rewind = $0 { true } else { false } })
        #expect(t.guards.recent.isEmpty)
    }
}
