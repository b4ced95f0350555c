import FileAccess
import Foundation

/// An exclusive lock on a run directory for as long as a process writes it: `flock` on `.vaetop-lock`, which
/// holds the writer's pid. The kernel drops the lock when the process ends (even by kill -9), so a stale file
/// never blocks anyone; a second writer is refused with the holder's pid. A writer that ends cleanly removes it
/// (`release`): a finished run's folder holds only the run's files.
public final class RunLock {
    /// The lock file's name inside a run directory.
    public static let fileName = ".vaetop-lock"
    private var fd: Int32
    private let path: String

    /// Takes the lock of `directory` (which must exist), or throws `.locked` naming the process that holds it.
    public init(directory: String) throws(RunFileError) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        self.path = path
        // A lock file removed by its releasing writer between our open and our flock is not the lock any more:
        // take the one now at the path (a few tries; the race needs two writers starting as one ends).
        var attempts = 0
        while true {
            let fd = try Self.take(path, directory: directory)
            var held = stat(), named = stat()
            if fstat(fd, &held) == 0, lstat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev { self.fd = fd; break }
            close(fd)
            attempts += 1
            guard attempts < 5 else { throw .writeFailed(path: path, reason: "kept being replaced while taking the lock") }
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Opens and flocks the lock file at `path`.
    private static func take(_ path: String, directory: String) throws(RunFileError) -> Int32 {
        // Non-blocking: a FIFO planted as the lock file must not hang the open; anything but a regular file is refused.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: path, reason: errno == ELOOP ? "is a symlink; not following it" : FileOutput.describe(errno)) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .writeFailed(path: path, reason: "is \(RegularFile.kindName(st.st_mode)), not a regular file; remove it")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.pid(fd: fd)
            close(fd)
            throw .locked(path: directory, pid: holder)
        }
        return fd
    }

    /// Removes the lock file and drops the lock (the writer is done with the run directory). Removed while still
    /// held, so no other writer can hold a lock on the file being removed.
    public func release() {
        guard fd >= 0 else { return }
        unlink(path)
        close(fd)
        fd = -1
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Throws `.locked` (with the holder's pid when its lock file says) when another process writes `directory`,
    /// without taking the lock: the check a command makes before it starts.
    public static func check(_ directory: String) throws(RunFileError) {
        guard let (fd, path, mode) = openExisting(directory) else { return }
        defer { close(fd) }
        guard mode & S_IFMT == S_IFREG else {
            throw .writeFailed(path: path, reason: "is \(RegularFile.kindName(mode)), not a regular file; remove it")
        }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { flock(fd, LOCK_UN); return }
        throw .locked(path: directory, pid: pid(fd: fd))
    }

    /// The pid the lock file of `directory` names (the last process that wrote the run), if any.
    public static func holder(_ directory: String) -> Int32? {
        guard let (fd, _, mode) = openExisting(directory) else { return nil }
        defer { close(fd) }
        return mode & S_IFMT == S_IFREG ? pid(fd: fd) : nil
    }

    /// The lock file of `directory` opened for reading, without following a symlink or blocking on a FIFO, with its
    /// path and file type (0 when it cannot be stat'ed); nil when there is none (or it cannot be opened).
    private static func openExisting(_ directory: String) -> (fd: Int32, path: String, mode: mode_t)? {
        let path = (directory as NSString).appendingPathComponent(fileName)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        var st = stat()
        return (fd, path, fstat(fd, &st) == 0 ? st.st_mode : 0)
    }

    private static func pid(fd: Int32) -> Int32? {
        var buf = [UInt8](repeating: 0, count: 32)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
