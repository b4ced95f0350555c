import Runs

/// A part of the training state that owns some of a checkpoint's fields: the data loader (order, position, epoch,
/// its RNG) and each model family (its optimizers' counters). Checkpoints, snapshots, the range test, forks and
/// resumes all go through `Trainer.snapshot` and `Trainer.restore`, which ask every part; a part's buffers are its
/// `checkpointBuffers` (the families').
protocol TrainingStatePart: AnyObject {
    /// Writes its fields into `state`.
    func capture(into state: inout TrainerSnapshot)
    /// Takes its fields back from `state` (validated before: `TrainerSnapshot.problem`).
    func restore(from state: TrainerSnapshot)
}

extension DataLoader: TrainingStatePart {
    func capture(into s: inout TrainerSnapshot) { s.epoch = epoch; s.position = position; s.permutation = order; s.dataRNG = rng }
    func restore(from s: TrainerSnapshot) { epoch = s.epoch; position = s.position; order = s.permutation; rng = s.dataRNG }
}

extension VAEStep: TrainingStatePart {
    func capture(into s: inout TrainerSnapshot) {
        s.optimizerSteps = optimizer.stepCount; s.sgdHasBuffer = (optimizer as? SGD)?.hasBuffer ?? false; s.ganOptimizerSteps = nil
    }
    func restore(from s: TrainerSnapshot) { optimizer.stepCount = s.optimizerSteps; (optimizer as? SGD)?.hasBuffer = s.sgdHasBuffer }
}

extension VAEGANStep: TrainingStatePart {
    /// Format 2's whole-model optimizer counters are kept (it never steps), and the three networks' step counts.
    func capture(into s: inout TrainerSnapshot) {
        s.optimizerSteps = wholeModelOptimizer.stepCount; s.sgdHasBuffer = (wholeModelOptimizer as? SGD)?.hasBuffer ?? false
        s.ganOptimizerSteps = [encoderOptimizer, decoderOptimizer, discriminatorOptimizer].map(\.stepCount)
    }
    func restore(from s: TrainerSnapshot) {
        wholeModelOptimizer.stepCount = s.optimizerSteps
        (wholeModelOptimizer as? SGD)?.hasBuffer = s.sgdHasBuffer
        if let counts = s.ganOptimizerSteps, counts.count == 3 {
            for (o, c) in zip([encoderOptimizer, decoderOptimizer, discriminatorOptimizer], counts) { o.stepCount = c }
        }
    }
}
