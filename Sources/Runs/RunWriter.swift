import Foundation

/// The process that writes a run (in its header): a watcher on the same host can tell when it is gone.
public struct RunWriter: Codable, Sendable, Equatable {
    public var pid: Int32
    public var host: String
    public init(pid: Int32, host: String) { self.pid = pid; self.host = host }

    /// This process, on this host.
    public static var current: RunWriter { RunWriter(pid: getpid(), host: localHost) }

    /// This host's name as gethostname(2) gives it (what Python's socket.gethostname() writes).
    public static var localHost: String {
        var name = [UInt8](repeating: 0, count: 256)
        guard name.withUnsafeMutableBufferPointer({ gethostname($0.baseAddress!, 255) }) == 0 else { return "" }
        return String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Whether the writer is known to be gone: on this host, and no process has its pid (nil: cannot tell, e.g.
    /// another host).
    public var isGone: Bool? {
        guard !host.isEmpty, host == Self.localHost else { return nil }
        if kill(pid, 0) == 0 { return Self.isZombie(pid) }
        return errno == ESRCH
    }

    /// Whether `pid` has died and waits to be reaped by its parent (state Z in /proc/PID/stat: a killed DDP rank
    /// before torchrun reaps it).
    public static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }
}
