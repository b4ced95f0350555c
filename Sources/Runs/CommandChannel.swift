import FileAccess
import Foundation

/// Commands for a trainer in another process: JSON lines appended to `commands.jsonl` in the run directory.
/// The trainer (e.g. the Python client) reads new lines, applies them at a step boundary and acknowledges each
/// with a `change` or `state` record in run.jsonl, so the screen shows when it took effect.
///
/// Lines: `{"id":1,"command":"pause"}`, `{"id":2,"command":"resume"}`,
/// `{"id":3,"command":"set","parameter":"lr","value":0.002}`, `{"id":4,"command":"clear","parameter":"beta"}`,
/// `{"id":5,"command":"checkpoint"}`, `{"id":6,"command":"evaluate"}`, `{"id":7,"command":"stop"}`,
/// `{"id":8,"command":"undo"}`, `{"id":9,"command":"rewind","step":1800}` (acknowledged with a `rewind` record),
/// `{"id":10,"command":"traverse","dimension":5}` (answered with an `images` record holding a traversal).
public final class CommandChannel {
    public static let fileName = "commands.jsonl"
    public let path: String
    private var nextID: Int

    /// `directory` is the run directory.
    public init(directory: String) {
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        // The next id follows the lines already there (a regular file only; a FIFO planted here is not read).
        let data: Data = (try? RegularFile.contents(path, limit: 64 << 20)) ?? Data()
        let existing = data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        nextID = existing + 1
    }

    /// The JSON line for a command.
    public static func line(_ c: RunCommand, id: Int) -> String {
        func obj(_ fields: [(String, String)]) -> String {
            "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }
        var fields = [("id", "\(id)"), ("command", "\"\(c.name.rawValue)\"")]
        switch c {
        case .pause, .resume, .checkpoint, .evaluate, .stop, .undo, .rearm: break
        case .rewind(let step): fields.append(("step", "\(step)"))
        case .traverse(let d): fields.append(("dimension", "\(d)"))
        case .set(let p, let v): fields += [("parameter", "\"\(p.rawValue)\""), ("value", "\(v)")]
        case .clear(let p): fields.append(("parameter", "\"\(p.rawValue)\""))
        }
        return obj(fields)
    }

    /// Appends a command (one write, so a reader never sees half a line). The file is opened without following
    /// a symlink (a link planted in a run folder must not redirect the write) and must be a regular file.
    public func send(_ c: RunCommand) throws(RunFileError) {
        let text = Self.line(c, id: nextID) + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "is a symlink; not following it" : FileOutput.describe(errno)
            throw .writeFailed(path: path, reason: reason)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw .writeFailed(path: path, reason: "is not a regular file")
        }
        let r = Array(text.utf8).withUnsafeBytes { FileOutput.writeAll(fd, $0) }
        if let e = r.errno { throw .writeFailed(path: path, reason: FileOutput.describe(e)) }
        nextID += 1
    }
}
