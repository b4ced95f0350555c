extension RunSummary {
    /// Why a run ended. The run file holds the raw value; a reason another writer chose is kept as `other`.
    public enum Reason: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Every planned step was trained.
        case finished
        /// Stopped from the keyboard or by a client's stop command.
        case stopped
        /// SIGINT, SIGTERM or SIGHUP.
        case interrupted
        /// The screen died (a fatal signal); the trainer still saved.
        case crashed
        /// A non-finite streak paused the run where nobody could resume it (headless).
        case diverged
        /// The run file could no longer be written, or (a client's loop) an exception ended the run.
        case error
        /// A reason written by another program (e.g. a client's own words).
        case other(String)

        /// The reasons vaetop itself writes.
        public static let known: [Reason] = [.finished, .stopped, .interrupted, .crashed, .diverged, .error]

        public init(rawValue: String) {
            self = Self.known.first { $0.rawValue == rawValue } ?? .other(rawValue)
        }

        public var rawValue: String {
            switch self {
            case .finished: return "finished"
            case .stopped: return "stopped"
            case .interrupted: return "interrupted"
            case .crashed: return "crashed"
            case .diverged: return "diverged"
            case .error: return "error"
            case .other(let s): return s
            }
        }

        public var description: String { rawValue }

        /// The state a run is in after ending this way.
        public var state: StateChange.State {
            switch self {
            case .finished: return .finished
            case .diverged: return .diverged
            default: return .stopped
            }
        }

        public init(from decoder: Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }
        public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(rawValue) }
    }
}
