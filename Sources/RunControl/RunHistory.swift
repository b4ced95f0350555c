import Runs
import Training

/// The trainer's memory of where it has been: the snapshot ring, which weights are loaded, the changes `u` can
/// undo, and the branch the run is on.
struct RunHistory {
    /// A change that can be undone: the snapshot taken just before it, and what it was.
    struct UndoEntry: Equatable {
        let snapshotID: Int
        let step: Int
        let detail: String
        /// A guard's repair: undoing it quiets that guard until it is re-armed.
        var trigger: GuardRule.Trigger? = nil
    }

    var ring: SnapshotRing
    /// The version of the weights loaded now (bumped by every trained step, set by every restore).
    private(set) var version = 0
    private var lastVersion = 0
    private var lastID = 0
    /// Changes on the current timeline, oldest first.
    var undo: [UndoEntry] = []
    /// Branch of the run now (0 until the first rewind).
    var branch = 0
    /// The weight version the checkpoint on disk holds (nil: none written by this process).
    var checkpointVersion: Int?
    /// Whether the "a snapshot does not fit the budget" warning was given.
    var tooLargeNoted = false

    init(budgetBytes: Int, count: Int = .max) { ring = SnapshotRing(budget: budgetBytes, count: count) }

    /// The weights changed: a new, never used version.
    mutating func weightsChanged() { lastVersion += 1; version = lastVersion }
    /// The weights are those of a snapshot (or of a saved state) again.
    mutating func weightsRestored(to v: Int) { version = v }
    /// A fresh snapshot id.
    mutating func nextID() -> Int { lastID += 1; return lastID }
}
