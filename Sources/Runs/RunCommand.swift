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
    /// Let the guards an undo quieted act again.
    case rearm
    /// Draw a latent traversal of this dimension now and at every later evaluation (an `images` record).
    case traverse(dimension: Int)
    /// Finish the run cleanly: final evaluation, checkpoint, end record.
    case stop
}

extension RunCommand {
    /// Every command's name on the wire (`commands.jsonl`), in the order `vaetop schema` lists them.
    public enum Name: String, CaseIterable, Sendable {
        case pause, resume, stop, set, clear, checkpoint, evaluate, undo, rewind, traverse, rearm

        /// The fields its JSON line carries besides `id` and `command`.
        public var fields: [String] {
            switch self {
            case .set: return ["parameter", "value"]
            case .clear: return ["parameter"]
            case .rewind: return ["step"]
            case .traverse: return ["dimension"]
            case .pause, .resume, .stop, .checkpoint, .evaluate, .undo, .rearm: return []
            }
        }

        /// What it asks, for `vaetop schema`.
        public var about: String {
            switch self {
            case .pause: return "pause at the next step boundary"
            case .resume: return "resume a paused run"
            case .stop: return "finish cleanly: final evaluation, checkpoint, end record"
            case .set: return "set a hyperparameter (answered with a change record, or an outcome saying why not)"
            case .clear: return "clear an override (lr, beta, momentum) so the schedule rules again"
            case .checkpoint: return "write a checkpoint now"
            case .evaluate: return "evaluate on the test split now"
            case .undo: return "go back to the snapshot before the last change and continue with the earlier value"
            case .rewind: return "go back to the latest snapshot at or before step, and stay paused there"
            case .traverse: return "draw a latent traversal of this dimension now and at every later evaluation"
            case .rearm: return "let the guards an undo quieted act again"
            }
        }
    }

    /// The command's name on the wire.
    public var name: Name {
        switch self {
        case .pause: return .pause
        case .resume: return .resume
        case .stop: return .stop
        case .set: return .set
        case .clear: return .clear
        case .checkpoint: return .checkpoint
        case .evaluate: return .evaluate
        case .undo: return .undo
        case .rewind: return .rewind
        case .traverse: return .traverse
        case .rearm: return .rearm
        }
    }
}
