import Foundation

/// Writing files without losing what was there: one write loop, atomic replacement of regular files, streaming
/// into devices and FIFOs, and symlinks followed to their target (said so), never replaced.
public enum FileOutput {
    /// Why a write did not happen; each names the path and the reason.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case refused(path: String, reason: String)
        case failed(path: String, reason: String)

        public var description: String { "\(path): \(reason)" }
    }

    /// Where the bytes went.
    public enum Destination: Equatable {
        /// A new or replaced regular file, written atomically.
        case file(String)
        /// The target of a symlink, replaced atomically (the link itself is left as it is).
        case linkTarget(link: String, target: String)
        /// A device, FIFO or socket, written as a stream.
        case stream(String)
        /// Standard output.
        case standardOutput
    }

    /// Writes every byte of `bytes` to `fd`, retrying on EINTR and short writes (as swift-system's `writeAll`).
    /// Returns the bytes written before an error, and the error's errno.
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> (written: Int, errno: Int32?) {
        guard let base = bytes.baseAddress else { return (0, nil) }
        var written = 0
        while written < bytes.count {
            let n = Foundation.write(fd, base + written, bytes.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                return (written, errno)
            }
            if n == 0 { return (written, EIO) }
            written += n
        }
        return (written, nil)
    }

    /// Set by the environment variable `VAETOP_FAULT_ENOSPC` (tests, where no small file system can be mounted):
    /// every atomic replacement fails as on a full disk.
    static let injectedFullDisk = ProcessInfo.processInfo.environment["VAETOP_FAULT_ENOSPC"] != nil

    /// The message of an errno.
    public static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Writes `data` to `path` ("-" is standard output): a regular file or a new path is replaced atomically
    /// (temporary file in the same folder, fsync, rename), so a failure leaves the old contents whole; a
    /// device, FIFO or socket is written as a stream; a symlink is followed to its target; a folder is refused.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o644) throws(Failure) -> Destination {
        if path == "-" {
            let r = data.withUnsafeBytes { writeAll(STDOUT_FILENO, $0) }
            if let e = r.errno { throw .failed(path: "standard output", reason: describe(e)) }
            return .standardOutput
        }
        var st = stat()
        guard lstat(path, &st) == 0 else {
            guard errno == ENOENT else { throw .failed(path: path, reason: describe(errno)) }
            try atomicReplace(data, at: path, mode: mode)
            return .file(path)
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG:
            try atomicReplace(data, at: path, mode: st.st_mode & 0o7777)
            return .file(path)
        case S_IFLNK:
            guard let resolved = realpath(path, nil) else {
                // A dangling link: its target does not exist yet. Create it where the link points.
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
                    throw .failed(path: path, reason: describe(errno))
                }
                let full = target.hasPrefix("/") ? target : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
                var tst = stat()
                if lstat(full, &tst) == 0 { throw .refused(path: path, reason: "is a symlink loop or points through another link") }
                try atomicReplace(data, at: full, mode: mode)
                return .linkTarget(link: path, target: full)
            }
            let target = String(cString: resolved)
            free(resolved)
            var tst = stat()
            guard stat(target, &tst) == 0 else { throw .failed(path: target, reason: describe(errno)) }
            switch tst.st_mode & S_IFMT {
            case S_IFREG:
                try atomicReplace(data, at: target, mode: tst.st_mode & 0o7777)
                return .linkTarget(link: path, target: target)
            case S_IFDIR: throw .refused(path: path, reason: "is a symlink to a folder (\(target))")
            default:
                try stream(data, to: target)
                return .stream(target)
            }
        case S_IFDIR:
            throw .refused(path: path, reason: "is a folder")
        default:
            try stream(data, to: path)
            return .stream(path)
        }
    }

    /// Writes into an existing device, FIFO or socket without creating, truncating or replacing it.
    static func stream(_ data: Data, to path: String) throws(Failure) {
        // Non-blocking open: a FIFO nobody reads fails at once (ENXIO) instead of hanging; writes then block normally.
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            let e = errno
            var st = stat()
            let socket = stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
            throw .failed(path: path, reason: e == ENXIO ? (socket ? "is a socket; vaetop writes files, FIFOs and devices" : "no process is reading this FIFO") : describe(e))
        }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let r = data.withUnsafeBytes { writeAll(fd, $0) }
        if let e = r.errno { throw .failed(path: path, reason: "write failed: \(describe(e))") }
    }

    /// Temporary file next to `path`, every byte written, fsync'ed, renamed over `path`.
    public static func atomicReplace(_ data: Data, at path: String, mode: mode_t = 0o644) throws(Failure) {
        try atomicReplace(at: path, mode: mode) { fd throws(Failure) in
            let r = data.withUnsafeBytes { writeAll(fd, $0) }
            if let e = r.errno { throw .failed(path: path, reason: "write failed: \(describe(e))") }
        }
    }

    /// Temporary file next to `path`, filled by `fill`, fsync'ed, renamed over `path`; on any failure the
    /// temporary file is removed and `path` keeps what it held.
    public static func atomicReplace(at path: String, mode: mode_t = 0o644,
                                     _ fill: (Int32) throws(Failure) -> Void) throws(Failure) {
        if injectedFullDisk { throw .failed(path: path, reason: "write failed: \(describe(ENOSPC))") }
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .failed(path: tmp, reason: describe(errno)) }
        do throws(Failure) {
            try fill(fd)
            if fsync(fd) != 0 { throw Failure.failed(path: path, reason: "fsync failed: \(describe(errno))") }
        } catch {
            close(fd); unlink(tmp)
            throw error
        }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let reason = describe(errno)
            unlink(tmp)
            throw .failed(path: path, reason: reason)
        }
    }
}

extension FileOutput.Failure {
    /// True when the path was refused (a folder, a loop) rather than failing to write.
    public var isRefusal: Bool { if case .refused = self { return true }; return false }
    /// The path the failure is about.
    public var path: String { switch self { case .refused(let p, _), .failed(let p, _): return p } }
    /// Why, without the path.
    public var reason: String { switch self { case .refused(_, let r), .failed(_, let r): return r } }
}
