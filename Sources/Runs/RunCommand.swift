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
    /// Finish the run cleanly: final evaluation, checkpoint, end record.
    case stop
}
