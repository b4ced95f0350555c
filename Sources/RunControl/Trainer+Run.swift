import Foundation
import Runs
import Training

extension Trainer {
    /// How the outside world steers a running loop.
    public struct Control {
        /// Commands that arrived since the last call.
        public var drain: () -> [RunCommand]
        /// Why the process was asked to stop (`.interrupted` for a signal, `.crashed` when the screen died); nil: go on.
        public var interruption: () -> RunSummary.Reason?
        /// Called while paused, between polls of `drain` (sleep or wait here).
        public var idle: () -> Void
        /// End the run as `.diverged` when a non-finite streak pauses it, and as `.stopped` when a guard's `pause` does
        /// (headless: nobody can press resume).
        public var endWhenDiverged: Bool

        public init(drain: @escaping () -> [RunCommand] = { [] }, interruption: @escaping () -> RunSummary.Reason? = { nil },
                    idle: @escaping () -> Void = { usleep(20_000) }, endWhenDiverged: Bool = false) {
            self.drain = drain; self.interruption = interruption; self.idle = idle; self.endWhenDiverged = endWhenDiverged
        }
    }

    /// Trains until finished, stopped or interrupted; then evaluates, checkpoints and writes the end record.
    @discardableResult
    public func run(_ control: Control = Control()) -> RunSummary {
        var reason = RunSummary.Reason.finished
        if history.ring.items.isEmpty { takeSnapshot(.start) }
        loop: while true {
            // A signal outranks the screen's own stop command (sent on the same signal): the end record says why.
            if let why = control.interruption() { reason = why; break }
            for c in control.drain() {
                if c == .stop { reason = control.interruption() ?? .stopped; break loop }
                apply(c)
            }
            if let e = writeError {
                reason = .error
                sink(.alert(Alert(step: stepsDone, level: .error, message: "run file: \(e); training stopped")))
                break
            }
            checkpointIfDue()
            if guards.stopRequested { reason = .stopped; break }
            if paused {
                if diverged && control.endWhenDiverged { reason = .diverged; break }
                if guards.pausedByGuard && control.endWhenDiverged { reason = .stopped; break }
                control.idle()
                continue
            }
            if step() == .finished { break }
        }
        return finish(reason: reason)
    }

    /// Final evaluation (if the last step was not evaluated), checkpoint and end record. A run that ends diverged
    /// (or with non-finite weights) saves its last healthy snapshot instead, and says which step that is.
    @discardableResult
    public func finish(reason: RunSummary.Reason) -> RunSummary {
        if lastEval?.step != stepsDone { evaluateAndShow() }
        let finite = checkpointBuffers.allSatisfy { $0.1.allFinite }
        if finite { addIWAEBound() }
        let broken = diverged || !finite
        if broken, let healthy = lastHealthySnapshot {
            checkpoint(state: healthy)
            if checkpointError == nil {
                emit(.alert(Alert(step: stepsDone, level: .warning,
                                  message: "checkpoint.bin holds step \(healthy.step), the last healthy snapshot, not the diverged state of step \(stepsDone)")))
            }
        } else {
            checkpoint()
        }
        emit(.state(StateChange(step: stepsDone, state: reason.state, reason: reason.rawValue)))
        let summary = RunSummary(step: stepsDone, epoch: epoch, reason: reason, testLoss: lastEval?.loss,
                                 activeUnits: lastEval?.activeUnits,
                                 samplesPerSecond: trainSeconds > 0 ? Double(samplesSeen) / trainSeconds : 0,
                                 seconds: trainSeconds)
        emit(.end(summary))
        close()
        return summary
    }
}
