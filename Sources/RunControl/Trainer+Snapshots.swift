import Foundation
import Runs
import TensorCore
import Training

extension Trainer {
    /// Copies the whole training state (sharing the buffers of a held snapshot of the same weights).
    func captureSnapshot(_ reason: TrainingSnapshot.Reason) -> TrainingSnapshot {
        let shared = history.ring.items.last { $0.version == history.version }
        let sources = checkpointBuffers.map(\.1)
        let buffers: [[Float]]
        if let shared {
            buffers = shared.buffers
        } else if var reused = history.ring.takeSpare(counts: sources.map(\.count)) {
            // Written over in place: the spare arrays are referenced by no snapshot any more.
            for i in reused.indices {
                reused[i].withUnsafeMutableBufferPointer { if let p = $0.baseAddress { p.update(from: sources[i].base, count: sources[i].count) } }
            }
            buffers = reused
        } else {
            buffers = sources.map(\.array)
        }
        let finite = shared?.finite ?? checkpointBuffers.allSatisfy { $0.1.allFinite }
        return TrainingSnapshot(id: history.nextID(), reason: reason, meta: snapshot, buffers: buffers,
                                version: history.version, lastEval: lastEval, finite: finite)
    }

    /// Whether snapshots are kept (`--snapshot-memory` above 0; never during a range test).
    var snapshotsEnabled: Bool { history.ring.memory > 0 && !recorder.muted }

    /// Takes and keeps a snapshot, and tells the screen which points it can go back to.
    func takeSnapshot(_ reason: TrainingSnapshot.Reason) {
        guard snapshotsEnabled else { return }
        keep(captureSnapshot(reason))
    }

    /// Keeps a snapshot taken earlier (e.g. just before a change that has now been applied).
    func keep(_ s: TrainingSnapshot) {
        let before = history.ring.points
        if !history.ring.insert(s) {
            if !history.tooLargeNoted {
                history.tooLargeNoted = true
                emit(.alert(Alert(step: stepsDone, level: .warning,
                                  message: "one snapshot takes \(Self.megabytes(s.bytes)) MB, more than --snapshot-memory \(config.snapshotMemory) MB: undo and rewind are off")))
            }
            return
        }
        if history.ring.points != before { announceSnapshots() }
    }

    /// Records the points one can rewind to (the screen's rewind cursor moves over them).
    func announceSnapshots() {
        emit(.snapshots(SnapshotsRecord(step: stepsDone, points: history.ring.points, bytes: history.ring.bytes, budget: history.ring.budget)))
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

    /// The last state known to be healthy: the latest finite snapshot before the non-finite streak began (a
    /// snapshot taken before a change counts even at that step: the change came after it).
    var lastHealthySnapshot: TrainingSnapshot? {
        diverged ? lastSnapshotBeforeStreak : history.ring.items.last(where: \.finite)
    }

    /// The latest finite snapshot taken before the current non-finite streak began (one of this step taken before a
    /// change, or at the start, counts: the weights of the streak came after it).
    var lastSnapshotBeforeStreak: TrainingSnapshot? {
        history.ring.items.last { $0.finite && ($0.step < stepsDone || $0.reason == .change || $0.reason == .start) }
    }

    /// `u`: goes back to the snapshot taken just before the last change, and continues from there.
    func undoLastChange(source: ChangeSource) -> CommandOutcome {
        guard let entry = history.undo.last else {
            return answer(.undo, .refused, "nothing to undo: no change since the run started" + (history.branch > 0 ? " or since the last rewind" : ""))
        }
        // The snapshot itself, or (thinned out) the latest one before it: its knobs predate the change too.
        guard let target = history.ring.snapshot(id: entry.snapshotID) ?? history.ring.items.last(where: { $0.id < entry.snapshotID && $0.finite }) else {
            history.undo.removeLast()
            return answer(.undo, .refused, "cannot undo \(entry.detail): no snapshot from before it is left (--snapshot-memory)")
        }
        let done = rewind(to: target, reason: .undo, detail: "undo \(entry.detail) (step \(entry.step))", source: source, resume: true)
        if let t = entry.trigger, done.outcome == .applied {
            // Else the same trouble fires the same repair at once.
            guards.quiet.insert(t)
            emit(.alert(Alert(step: stepsDone, level: .info, message: "guard \(t.rawValue) is quiet until re-armed (g)", guardTrigger: t.rawValue)))
            flush()
        }
        return done
    }

    /// `r`: goes back to the latest finite snapshot at or before `step` and stays paused there.
    func rewind(toStep step: Int, source: ChangeSource) -> CommandOutcome {
        guard step <= stepsDone else {
            return answer(.rewind(toStep: step), .refused, "step \(step) is after the run's step \(stepsDone): rewind goes back to a step already trained")
        }
        guard let target = history.ring.latest(atOrBefore: step) else {
            let points = history.ring.points
            return answer(.rewind(toStep: step), .refused,
                          "no snapshot at or before step \(step)" + (points.isEmpty ? " (snapshots are off or none taken yet)" : "; snapshots: \(points.map(String.init).joined(separator: ", "))"))
        }
        return rewind(to: target, reason: .rewind, detail: "rewind to step \(target.step)", source: source, resume: false)
    }

    /// Restores a snapshot, starts a new branch and records it: the rewind, every value that changed with it, and
    /// the state (running after an undo, paused after a rewind so the knobs can be set first).
    @discardableResult
    func rewind(to target: TrainingSnapshot, reason: RewindRecord.Reason, detail: String, source: ChangeSource, resume: Bool) -> CommandOutcome {
        let from = stepsDone
        let before = Hyperparameter.allCases.map { value(of: $0) }
        let command: RunCommand = reason == .undo ? .undo : .rewind(toStep: target.step)
        do { try restore(target.meta, buffers: target.buffers, path: "snapshot of step \(target.step)") } catch {
            return answer(command, .refused, "rewind failed: \(error)")
        }
        history.weightsRestored(to: target.version)
        history.ring.dropAfter(id: target.id)
        // The changes made after the snapshot are gone with the branch. A guard's rewind to the snapshot taken just
        // before a change keeps that change undoable: the guard repairs what the change did (lr 0.001 → 10), and u
        // must still take the change back.
        history.undo.removeAll { reason == .guardRule ? $0.snapshotID > target.id : $0.snapshotID >= target.id }
        history.branch += 1
        lastEval = target.lastEval
        guards.rewound(to: target.step, lastEval: target.lastEval)
        diverged = false
        emit(.rewind(RewindRecord(step: from, to: target.step, branch: history.branch, reason: reason, detail: detail)))
        for (p, old) in zip(Hyperparameter.allCases, before) {
            let new = value(of: p)
            if old != new, gan != nil || !p.isGANOnly {
                // What a guard's rewind brought back is the rewind's, not the guard's own change.
                emit(.change(ParameterChange(step: stepsDone, parameter: p, old: old, new: new,
                                             source: reason == .guardRule ? ChangeSource.rewind.rawValue : reason.rawValue)))
            }
        }
        paused = !resume
        let why = reason == .guardRule ? String(detail.prefix { $0 != ":" }) : "\(reason.rawValue) (\(source.rawValue))"
        emit(.state(StateChange(step: stepsDone, state: paused ? .paused : .running, reason: why)))
        announceSnapshots()
        emitImages()
        flush()
        return outcome(command, .applied, from: stepsDone, detail)
    }
}
