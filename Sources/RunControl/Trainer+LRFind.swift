import Foundation
import Runs
import Training

extension Trainer {
    /// Runs the range test on the current state and restores everything afterwards (weights, optimizer state,
    /// RNG, data position, hyperparameters), so it leaves no trace on training. `point` sees each (lr, loss, smoothed).
    public func findLR(_ test: LRRangeTest, point: (LRRangeTest.Result) -> Void = { _ in }) -> LRRangeTest.Result {
        let saved = snapshot
        let buffers = checkpointBuffers.map { $0.1.array }
        let savedEval = lastEval
        let savedImages = evaluator.originalsSent
        let savedVersion = history.version
        recorder.muted = true   // the range test's steps are not the run's: no records, evaluations or checkpoints
        defer {
            recorder.muted = false
            for ((_, dst), src) in zip(checkpointBuffers, buffers) { src.withUnsafeBufferPointer { dst.base.update(from: $0.baseAddress!, count: src.count) } }
            try? restore(saved, buffers: buffers, path: "lr-find")
            lastEval = savedEval
            evaluator.originalsSent = savedImages
            history.weightsRestored(to: savedVersion)
        }
        var result = LRRangeTest.Result()
        var i = 0
        let base = lrSchedule.lr(at: stepsDone) * batchScale
        while i < test.steps {
            let lr = test.lr(at: i)
            knobs.lrMultiplier = base > 0 ? lr / base : 1
            let (outcome, record) = trainStep()
            if outcome == .finished { break }
            let loss = outcome == .skipped ? Double.infinity : Double(record?.loss ?? .nan)
            let more = test.record(loss, lr: lr, into: &result)
            point(result)
            if !more { break }
            i += 1
        }
        result.suggestions = test.suggestions(for: result)
        return result
    }
}
