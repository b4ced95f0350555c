import Runs
import Training

/// A whole training state held in memory: what a checkpoint holds (weights, optimizer state, schedule position,
/// RNG states, data order and position, live knobs), plus what the screen and undo need to know about it.
struct TrainingSnapshot {
    /// Why a snapshot was taken.
    enum Reason: Equatable {
        /// The start of the run (or of a resumed run).
        case start
        /// Just before a change was applied.
        case change
        /// At an evaluation.
        case evaluation
        /// Every `snapshotEvery` steps.
        case periodic
    }

    /// Increases with every snapshot taken (a later snapshot on the same timeline has a larger id).
    let id: Int
    let reason: Reason
    let meta: TrainerSnapshot
    /// The checkpoint buffers, in `Trainer.checkpointBuffers` order. Snapshots of the same weights share storage.
    let buffers: [[Float]]
    /// Which weights `buffers` hold: equal versions mean equal buffers (the trainer bumps it when they change).
    let version: Int
    /// The evaluation in force when it was taken (restored with it, so the summary and collapse alerts stay true).
    let lastEval: EvalMetrics?
    /// Whether every buffer is finite (a diverged state is kept for the record but never rewound to or saved).
    let finite: Bool

    /// Steps completed at the snapshot.
    var step: Int { meta.stepsDone }

    /// Bytes of the buffers and the data order.
    var bytes: Int { buffers.reduce(0) { $0 + $1.count * MemoryLayout<Float>.stride } + meta.permutation.count * MemoryLayout<Int>.stride }
}
