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
        public var line: Int
        public var reason: String
        public init(line: Int, reason: String) { self.line = line; self.reason = reason }
    }
}
