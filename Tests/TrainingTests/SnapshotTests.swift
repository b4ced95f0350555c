import Foundation
import Runs
import TensorCore
import TestSupport
import Testing
@testable import RunControl
@testable import Training

/// In-memory snapshots: undo and rewind restore the training state exactly, the ring keeps its budget, and a
/// diverged run never saves its broken state.
@Suite struct SnapshotTests {
    /// Every weight and optimizer buffer, for bit-for-bit comparisons.
    func state(_ t: Trainer) -> [[Float]] { t.checkpointBuffers.map { $0.1.array } }

    @Test(arguments: [RunConfig.Model.vae, .vaeGAN])
    func undoThenTrainingOnEqualsNeverChanging(model: RunConfig.Model) throws {
        let cfg = tinyConfig { $0.epochs = 4; $0.model = model; $0.lrSchedule.kind = .onecycle; $0.betaSchedule.kind = .cyclical; $0.threads = 2 }
        let straight = try Trainer(config: cfg, data: tinyData, directory: nil)
        straight.run()

        var events: [RunEvent] = []
        let t = try Trainer(config: cfg, data: tinyData, directory: nil, sink: { events.append($0) })
        t.begin()
        for _ in 0..<5 { t.step() }
        t.apply(.set(.lr, 5)); t.apply(.set(.beta, 0.25))
        for _ in 0..<4 { t.step() }
        t.apply(.undo)                                   // back to just before β 0.25, with lr 5 still set
        #expect(t.stepsDone == 5 && t.currentBeta != 0.25 && abs(t.currentLR - 5) < 1e-9)
        t.apply(.undo)                                   // and before lr 5
        #expect(t.stepsDone == 5 && t.knobs == Knobs(config: cfg) && !t.paused)
        t.run()
        #expect(t.stepsDone == straight.stepsDone)
        #expect(state(t) == state(straight), "undo then training on must equal a run that never changed anything")
        let rewinds = events.compactMap { if case .rewind(let r) = $0 { r } else { nil } }
        #expect(rewinds.map(\.branch) == [1, 2] && rewinds.allSatisfy { $0.reason == .undo && $0.to == 5 })
        #expect(rewinds[0].detail.contains("β"), "the first undo names the β change: \(rewinds[0].detail)")
        // Each undo restates the values it put back, so every reader knows the knobs in force.
        let restated = events.compactMap { if case .change(let c) = $0, c.source == "undo" { c.parameter } else { nil } }
        #expect(restated.contains(.beta) && restated.contains(.lr))
        t.apply(.undo)
        #expect(events.contains { if case .outcome(let o) = $0 { o.command == "undo" && o.outcome == .refused && o.reason?.hasPrefix("nothing to undo") == true } else { false } })
    }

    @Test func rewindToAStepPausesThereAndTrainsOnExactly() throws {
        let cfg = tinyConfig { $0.epochs = 4; $0.snapshotEvery = 4; $0.optimizer.kind = .radam }
        let straight = try Trainer(config: cfg, data: tinyData, directory: nil)
        straight.run()
        let t = try Trainer(config: cfg, data: tinyData, directory: nil)
        t.begin()
        t.takeSnapshot(.start)
        for _ in 0..<14 { t.step() }
        t.apply(.rewind(toStep: 10))                     // snapshots every 4 steps: step 8
        #expect(t.stepsDone == 8 && t.paused)
        t.apply(.resume)
        t.run()
        #expect(state(t) == state(straight))
        // Nothing before the first snapshot: refused with the points that exist.
        let u = try Trainer(config: tinyConfig { $0.snapshotMemory = 0 }, data: tinyData, directory: nil)
        var alerts: [String] = []
        // Refusals are answered as a trainer in another process answers: `outcome` records.
        u.sink = { if case .outcome(let o) = $0, o.outcome == .refused, o.command == "rewind" { alerts.append(o.reason ?? "") } }
        u.apply(.rewind(toStep: 0))
        #expect(alerts.last?.contains("no snapshot at or before step 0") == true)
        // A step not trained yet is refused, not taken as "the newest snapshot".
        u.apply(.rewind(toStep: 3))
        #expect(alerts.last == "step 3 is after the run's step 0: rewind goes back to a step already trained")
    }

    @Test func theRingKeepsItsBudgetRecentPointsDenseAndTheFirst() {
        let meta = TrainerSnapshot(config: RunConfig(), stepsDone: 0, epoch: 1, position: 0, permutation: [], noiseRNG: RandomSource(seed: 1),
                                   dataRNG: RandomSource(seed: 2), knobs: Knobs(config: RunConfig()),
                                   trainSeconds: 0, samplesSeen: 0, nanStreak: 0, buffers: ["params"], optimizers: [:])
        let one = 1000 * MemoryLayout<Float>.stride
        var ring = SnapshotRing(budget: 20 * one)
        for step in stride(from: 0, through: 10_000, by: 10) {
            var m = meta; m.stepsDone = step
            let s = TrainingSnapshot(id: step + 1, reason: step % 500 == 0 ? .change : .periodic, meta: m,
                                     buffers: [[Float](repeating: 0, count: 1000)], version: step + 1, lastEval: nil, finite: true)
            ring.insert(s)
            #expect(ring.bytes <= ring.budget)
        }
        let points = ring.points
        #expect(points.count == 20 && points.first == 0 && points.last == 10_000)
        // Gaps grow with age: the newest gap is the smallest, the oldest among the largest.
        let gaps = zip(points.dropFirst(), points).map { $0 - $1 }
        #expect(gaps.last! <= gaps[gaps.count / 2] && gaps[gaps.count / 2] <= gaps.max()!)
        #expect(gaps.last! == 10, "the latest points stay at full density: \(points)")
        // Sized to the model: a count of 8 snapshots' worth holds 8, within a memory budget of 20.
        var counted = SnapshotRing(budget: 20 * one, count: 8)
        for step in stride(from: 0, through: 1_000, by: 10) {
            var m = meta; m.stepsDone = step
            counted.insert(TrainingSnapshot(id: step + 1, reason: .periodic, meta: m, buffers: [[Float](repeating: 0, count: 1000)],
                                            version: step + 1, lastEval: nil, finite: true))
        }
        #expect(counted.budget == 8 * one && counted.points.count == 8 && counted.bytes <= 8 * one)
        #expect(SnapshotRing(budget: 3 * one, count: 8).budget == 3 * one, "the memory limit holds when it is the lesser")
        // Snapshots of the same weights share their storage and count once.
        var shared = SnapshotRing(budget: 3 * one)
        for i in 1...5 {
            shared.insert(TrainingSnapshot(id: i, reason: .change, meta: meta, buffers: [[Float](repeating: 0, count: 1000)],
                                           version: 7, lastEval: nil, finite: true))
        }
        #expect(shared.items.count == 5 && shared.bytes == one)
    }

    @Test func branchNumbersGoOnAfterAResume() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let a = try Trainer(config: tinyConfig(), data: tinyData, directory: dir.file("r"))
        a.begin(); a.takeSnapshot(.start)
        a.step(); a.apply(.set(.beta, 0.5)); a.step(); a.apply(.undo)
        a.step(); a.checkpoint(); a.close()
        let b = try Trainer(resume: dir.file("r"), data: tinyData)
        b.beginResumed(); b.takeSnapshot(.start)
        b.apply(.set(.freeBits, 0.1)); b.step(); b.apply(.undo); b.close()
        let branches = try RunFileReader.read(dir.file("r")).events.compactMap { if case .rewind(let r) = $0 { r.branch } else { nil } }
        #expect(branches == [1, 2])
    }

    @Test func aDivergedRunSavesItsLastHealthySnapshot() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let cfg = tinyConfig { $0.epochs = 20; $0.nanPatience = 3; $0.optimizer.kind = .sgd }
        let t = try Trainer(config: cfg, data: tinyData, directory: dir.file("r"))
        t.begin()
        t.takeSnapshot(.start)
        for _ in 0..<6 { t.step() }
        t.apply(.set(.lr, 10))
        var guardSteps = 0
        while !t.diverged && guardSteps < 500 { t.step(); guardSteps += 1 }
        try #require(t.diverged, "lr 10 with plain SGD must diverge on the tiny data")
        let summary = t.finish(reason: .diverged)
        #expect(summary.reason == .diverged)
        #expect(t.checkpointStep == 6, "the last healthy state is the one before the lr change")
        let (snap, buffers) = try Checkpoint.read(dir.file("r/checkpoint.bin"))
        #expect(snap.stepsDone == 6 && buffers.allSatisfy { $0.allSatisfy(\.isFinite) })
        let resumed = try Trainer(resume: dir.file("r"), data: tinyData)
        #expect(resumed.stepsDone == 6 && resumed.knobs.lrMultiplier == 1)
        let run = try RunFileReader.read(dir.file("r"))
        #expect(run.events.contains { if case .alert(let a) = $0 { a.message.contains("holds step 6, the last healthy snapshot") } else { false } })
    }
}
