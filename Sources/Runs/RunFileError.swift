/// Errors of reading and writing run files; each names what is wrong.
public enum RunFileError: Error, Equatable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case notARunFile(path: String, reason: String)
    case newerVersion(path: String, version: Int)
    case unknownKind(String)
    /// A record that decoded but carries a value no reader can use (a step of 1e300, images of −3 rows, …).
    case invalidRecord(String)
    /// Another process writes this run directory (its pid, when the lock file says).
    case locked(path: String, pid: Int32?)
    case writeFailed(path: String, reason: String)
    /// A resume found a run file that does not read back (the reader's message): nothing was appended.
    case resumeRefused(String)

    public var description: String {
        switch self {
        case .missing(let p): return "\(p): no such run file or directory"
        case .unreadable(let p, let r): return "\(p): cannot read (\(r))"
        case .notARunFile(let p, let r): return "\(p): not a vaetop run file (\(r))"
        case .newerVersion(let p, let v):
            return "\(p): run format version \(v) is newer than this vaetop understands (\(RunHeader.currentVersion))"
        case .unknownKind(let k): return "unknown record kind '\(k)'"
        case .invalidRecord(let why): return why
        case .locked(let p, let pid):
            return "\(p): another vaetop process\(pid.map { " (pid \($0))" } ?? "") is writing this run; stop it first or pick another directory"
        case .writeFailed(let p, let r): return "\(p): write failed (\(r))"
        case .resumeRefused(let why):
            return "\(why); resuming would append records no reader could open, so nothing was written: move the run file aside to start a new one from the checkpoint"
        }
    }
}
