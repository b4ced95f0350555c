/// What a reader got out of a run file, and what it had to skip.
public struct RunFileContents: Sendable {
    public init(header: RunHeader, events: [RunEvent], skipped: [SkippedLine], tornTail: Bool) {
        self.header = header; self.events = events; self.skipped = skipped; self.tornTail = tornTail
    }

    /// The header record.
    public var header: RunHeader
    /// Every record after the header, in file order.
    public var events: [RunEvent]
    /// Lines that could not be used, with their 1-based line numbers and why.
    public var skipped: [SkippedLine]
    /// True when the file ended in an incomplete line (a writer was interrupted mid-record).
    public var tornTail: Bool

    /// A line the reader passed over.
    public struct SkippedLine: Sendable, Equatable {
        /// The 1-based line number; 0 where the source has no lines (a TensorBoard file: the reason gives the offset).
        public var line: Int
        public var reason: String
        public init(line: Int, reason: String) { self.line = line; self.reason = reason }
        /// "skipped line 12: why", or "skipped: file offset 4096: why".
        public var description: String { line > 0 ? "skipped line \(line): \(reason)" : "skipped: \(reason)" }
    }
}

extension RunFileContents {
    /// The records a reader shows, with the resume rule applied (`docs/run-format.md`): a `state` record with
    /// reason "resumed" at step N drops every earlier record with a step greater than N (the abandoned
    /// continuation, its end record included). The replay's `RunView.truncate` applies the same rule as it plays.
    public var timeline: [RunEvent] { Self.resolvingResumes(events) }

    /// `events` with every abandoned continuation removed.
    public static func resolvingResumes(_ events: [RunEvent]) -> [RunEvent] {
        guard events.contains(where: Self.isResume) else { return events }
        var out: [RunEvent] = []
        out.reserveCapacity(events.count)
        for e in events {
            if Self.isResume(e) {
                let n = e.step
                // Records of the abandoned continuation; the end record of the earlier process goes too.
                out.removeAll { old in
                    if case .end = old { return true }
                    if case .header = old { return false }
                    return old.step > n
                }
            }
            out.append(e)
        }
        return out
    }

    /// The branch each record of `events` was written on: 0 until the first `rewind` record, then the branch
    /// that record starts. A branch shares every earlier record up to its fork step (the rewind's `to`).
    public static func branches(_ events: [RunEvent]) -> [Int] {
        var b = 0
        return events.map { e in
            if case .rewind(let r) = e { b = r.branch }
            return b
        }
    }

    /// Whether the run went back to a snapshot at least once.
    public var hasBranches: Bool { events.contains { if case .rewind = $0 { true } else { false } } }

    static func isResume(_ e: RunEvent) -> Bool {
        if case .state(let s) = e { return s.isResume }
        return false
    }
}
