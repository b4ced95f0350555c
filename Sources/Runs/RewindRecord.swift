/// The training state went back to an earlier snapshot: what follows belongs to a new branch of the run.
///
/// Records after this one whose step is above `to` continue the new branch; the old branch's records after `to`
/// stay in the file (the screen draws them as a dimmed ghost, exports label them with their branch number).
public struct RewindRecord: Codable, Sendable, Equatable {
    /// Why the run went back.
    public enum Reason: String, Codable, Sendable {
        /// `u`: undo the last change (back to the snapshot taken just before it).
        case undo
        /// `r`: a rewind to a chosen snapshot.
        case rewind
        /// A guard's repair went back (to the last snapshot before the trouble began).
        case guardRule = "guard"
    }

    /// Steps completed on the abandoned branch when the rewind happened.
    public var step: Int
    /// The step of the snapshot the run went back to (the new branch continues from step `to` + 1).
    public var to: Int
    /// The new branch's number: 1 for the first rewind of a run, then 2, … (0 is the run as it started).
    public var branch: Int
    public var reason: Reason
    /// What was undone or why, in a few words (e.g. "lr 0.001 → 10").
    public var detail: String

    public init(step: Int, to: Int, branch: Int, reason: Reason, detail: String) {
        self.step = step; self.to = to; self.branch = branch; self.reason = reason; self.detail = detail
    }
}

/// The steps the writer can rewind to right now (its in-memory snapshots), ascending; written when they change.
public struct SnapshotsRecord: Codable, Sendable, Equatable {
    /// Steps completed when the list was written.
    public var step: Int
    /// Steps of the available snapshots, ascending.
    public var points: [Int]
    /// Bytes the snapshots hold, and the budget they are kept under.
    public var bytes: Int
    public var budget: Int

    public init(step: Int, points: [Int], bytes: Int, budget: Int) {
        self.step = step; self.points = points; self.bytes = bytes; self.budget = budget
    }
}
