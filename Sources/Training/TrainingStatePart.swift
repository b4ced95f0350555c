import Runs
import TensorCore

/// A part of the training state: the data loader (order, position, epoch, its RNG) and each model family (its
/// weights, and its optimizers' named buffers and counters). Checkpoints, snapshots, the range test, forks and
/// resumes all go through `Trainer.snapshot`, `Trainer.checkpointBuffers` and `Trainer.restore`, which ask every
/// part.
package protocol TrainingStatePart: AnyObject {
    /// Its float buffers, named (unique across the parts), in a fixed order.
    var stateBuffers: [(String, Buffer<Float>)] { get }
    /// Writes its fields into `state`.
    func capture(into state: inout TrainerSnapshot)
    /// Takes its fields back from `state` (validated before: `TrainerSnapshot.problem`, `Trainer.restore`).
    func restore(from state: TrainerSnapshot)
}

extension DataLoader: TrainingStatePart {
    package var stateBuffers: [(String, Buffer<Float>)] { [] }
    package func capture(into s: inout TrainerSnapshot) { s.epoch = epoch; s.position = position; s.permutation = order; s.dataRNG = rng }
    package func restore(from s: TrainerSnapshot) { epoch = s.epoch; position = s.position; order = s.permutation; rng = s.dataRNG }
}

extension ModelStep {
    /// Its weights, then each optimizer's buffers named by the optimizer (`vae.m`, `discriminator.v`).
    package var stateBuffers: [(String, Buffer<Float>)] { weights + optimizers.flatMap { $0.1.namedStateBuffers($0.0) } }
    package func capture(into s: inout TrainerSnapshot) {
        s.optimizers = Dictionary(uniqueKeysWithValues: optimizers.map { ($0.0, $0.1.counters) })
    }
    package func restore(from s: TrainerSnapshot) {
        for (name, o) in optimizers { if let c = s.optimizers[name] { o.counters = c } }
    }
}
