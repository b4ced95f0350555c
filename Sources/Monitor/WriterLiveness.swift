/// Whether the process writing a watched run is still there: a dead or silent trainer never looks alive.
public enum WriterLiveness: Equatable, Sendable {
    /// No step record for `seconds`, well past the run's own step interval (the process may be stuck or gone).
    case silent(seconds: Int, lastStep: Int)
    /// The writer's process is gone (its pid on this host, or its lock released) and it wrote no end record.
    case gone(pid: Int32?, lastStep: Int)

    /// What the status line says instead of "running".
    public var text: String {
        switch self {
        case .silent(let s, let step): return "silent for \(s) s (last step \(step))"
        case .gone(let pid, _): return "ended without an end record (\(pid.map { "process \($0)" } ?? "its process") gone)"
        }
    }
}
