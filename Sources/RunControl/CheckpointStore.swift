import Foundation
import Training

/// Where the run's checkpoint on disk stands, and when the next may be written: a person's or a client's requests
/// coalesce to at most one write per `interval` seconds of `clock` (injected, so its tests need no sleeping).
struct CheckpointStore {
    /// Checkpoints asked for from the keyboard or a client are at most one per this many seconds (the rest coalesce).
    static let interval = 2.0
    /// Seconds, monotonic enough for coalescing (wall-clock time unless a test sets it).
    var clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }
    /// The step of the checkpoint on disk (nil: none yet).
    var step: Int?
    /// Why the last attempt wrote nothing (nil once one succeeds).
    var error: String?
    /// When the last attempt was made.
    private var lastAttempt = -Double.infinity
    /// A request came less than `interval` after the last write: written when the interval is over.
    private(set) var pending = false
    /// The step whose "already on disk" note was given (said once per step, however often asked).
    private var noted: Int?

    /// What to do about a request at `step`; `onDisk` is whether the checkpoint there holds these very weights.
    enum Answer: Equatable { case write, later, alreadyOnDisk(note: Bool) }

    mutating func request(at step: Int, onDisk: Bool) -> Answer {
        if onDisk && self.step == step && error == nil {
            defer { noted = step }
            return .alreadyOnDisk(note: noted != step)
        }
        if clock() - lastAttempt < Self.interval { pending = true; return .later }
        return .write
    }

    /// Whether a coalesced request is due now.
    var due: Bool { pending && clock() - lastAttempt >= Self.interval }

    /// A write was attempted (the step it wrote, or the reason it did not); `attempted` false for a refusal that
    /// touched no file (non-finite weights), which does not start a new interval.
    mutating func attempted(step written: Int?, error why: String?, touchedDisk: Bool = true) {
        pending = false
        if let written { step = written }
        error = why
        if touchedDisk { lastAttempt = clock() }
    }
}
