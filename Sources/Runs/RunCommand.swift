/// What the UI (or another client) asks the trainer to do between two steps.
public enum RunCommand: Sendable, Equatable {
    case pause
    case resume
    /// Set a hyperparameter; validated by the trainer, recorded with old and new value.
    case set(Hyperparameter, Double)
    /// Clear an override (lr, beta) so the schedule rules again.
    case clear(Hyperparameter)
    case checkpoint
    case evaluate
    /// Undo the last change: go back to the snapshot taken just before it and continue with the earlier value.
    case undo
    /// Go back to the latest snapshot at or before this step, and stay paused there.
    case rewind(toStep: Int)
    /// Draw a latent traversal of this dimension now and at every later evaluation (an `images` record).
    case traverse(dimension: Int)
    /// Finish the run cleanly: final evaluation, checkpoint, end record.
    case stop
}
