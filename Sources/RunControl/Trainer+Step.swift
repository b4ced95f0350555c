import Foundation
import Runs
import TensorCore
import Training

extension Trainer {
    /// What one call to `step()` did.
    public enum StepOutcome: Equatable {
        case trained
        case skipped
        case finished
    }

    /// Trains one mini-batch (or skips it when the loss or gradient is not finite).
    @discardableResult
    public func step() -> StepOutcome { trainStep().outcome }

    /// Trains one mini-batch: the outcome, and the record of a trained step.
    func trainStep() -> (outcome: StepOutcome, record: StepMetrics?) {
        guard loader.startBatch() else { return (.finished, nil) }
        let start = DispatchTime.now().uptimeNanoseconds
        let b = family.batch(for: loader.batchSize(knobs.batchSize))
        let h = stepHyperparameters
        switch family.train(batch: b, loader: loader, noise: &noiseRNG, objective: objective, hyper: h, knobs: knobs) {
        case .nonFinite(let why):
            return (skip(step: stepsDone + 1, batch: b, reason: why), nil)
        case .trained(let m):
            nanStreak = 0
            stepsDone += 1
            history.weightsChanged()
            loader.advance(by: b)
            samplesSeen += b
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            trainSeconds += seconds
            let momentum = family.recordsMomentum && (lrSchedule.cyclesMomentum || knobs.momentumOverride != nil)
            let record = Recorder.record(m, step: stepsDone, epoch: loader.epoch, batch: b, hyper: h, momentum: momentum,
                                         seconds: seconds, time: trainSeconds)
            emit(.step(record))
            // A spike is rewound at once: its step's evaluation or snapshot would be of the state given up.
            if guardSpike(record) { return (.trained, record) }
            return (afterStep(), record)
        }
    }

    /// A step whose loss or gradient was not finite: records it, moves past the batch, and pauses the run as
    /// diverged after `nanPatience` in a row.
    func skip(step: Int, batch: Int, reason: String) -> StepOutcome {
        loader.advance(by: batch)
        nanStreak += 1
        emit(.skipped(SkippedStep(step: step, epoch: loader.epoch, reason: reason)))
        if nanStreak >= config.nanPatience && !paused {
            if guardDiverge() { return .skipped }
            paused = true
            diverged = true
            emit(.alert(Alert(step: stepsDone, level: .error, message: divergenceMessage)))
            emit(.state(StateChange(step: stepsDone, state: .diverged, reason: "non-finite streak; paused")))
            flush()
        }
        return .skipped
    }

    /// What the non-finite streak pause tells the user: how to get back.
    var divergenceMessage: String {
        var ways: [String] = []
        if let last = history.undo.last { ways.append("u undoes the last change (\(last.detail))") }
        if let healthy = lastHealthySnapshot { ways.append("r rewinds to the last healthy snapshot (step \(healthy.step))") }
        if ways.isEmpty { ways.append("lower the lr or clip the gradient, then resume") }
        let tried = guards.ranOut.contains(.diverge) ? " after the diverge guard's \(guards.count(.diverge)) repairs" : ""
        return "diverged at step \(stepsDone) (\(nanStreak) non-finite steps in a row)\(tried): paused; " + ways.joined(separator: ", ")
    }

    /// After a trained step: evaluation and checkpoint when due (never during a range test), periodic flush.
    func afterStep() -> StepOutcome {
        let evalEvery = config.evalEvery > 0 ? config.evalEvery : header.stepsPerEpoch
        let evaluating = !recorder.muted && stepsDone % evalEvery == 0
        if evaluating { guardEvaluation(evaluateAndShow()) }
        if evaluating || (config.snapshotEvery > 0 && stepsDone % config.snapshotEvery == 0) {
            takeSnapshot(evaluating ? .evaluation : .periodic)
        }
        if !recorder.muted && config.checkpointEvery > 0 && stepsDone % config.checkpointEvery == 0 { checkpoint() }
        if stepsDone % 16 == 0 { flush() }
        return .trained
    }
}
