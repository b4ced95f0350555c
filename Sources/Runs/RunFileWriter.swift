import FileAccess
import Foundation

/// Appends run events to a JSON Lines file; buffered, flushed on demand, fsync'ed on `sync()`.
public final class RunFileWriter {
    /// Path of the file.
    public let path: String
    private let fd: Int32
    private var pending: [UInt8] = []
    private var closed = false

    /// Opens (creating if needed) `path` for appending.
    public init(path: String) throws(RunFileError) {
        self.path = path
        // Non-blocking open (a FIFO with no reader must not hang it), then a regular file or a character device
        // (/dev/null discards a run on purpose, /dev/full is a full disk): a FIFO or a socket would lose the run.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            let e = errno
            var st = stat()
            if stat(path, &st) == 0, st.st_mode & S_IFMT != S_IFREG {
                throw .writeFailed(path: path, reason: "is \(RegularFile.kindName(st.st_mode)), not a regular file")
            }
            if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK {
                throw .writeFailed(path: path, reason: "is a symlink to a path that cannot be created (\(String(cString: strerror(e))))")
            }
            throw .writeFailed(path: path, reason: String(cString: strerror(e)))
        }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG || st.st_mode & S_IFMT == S_IFCHR else {
            Foundation.close(fd)
            throw .writeFailed(path: path, reason: "is \(RegularFile.kindName(st.st_mode)), not a regular file")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.fd = fd
        pending.reserveCapacity(1 << 16)
        // A file that ends in a torn line (a writer died mid-record) gets its line ended first: the next record
        // would otherwise be glued to it and lost with it (a resume's first record, which readers need).
        if st.st_mode & S_IFMT == S_IFREG && st.st_size > 0, let r = try? RegularFile.openDescriptor(path) {
            var last: UInt8 = 0x0A
            _ = pread(r, &last, 1, off_t(st.st_size - 1))
            Foundation.close(r)
            if last != 0x0A { pending.append(0x0A) }
        }
    }

    deinit { if !closed { try? flush(); Foundation.close(fd) } }

    /// Queues one event; written at the next flush (or right away when the buffer is large).
    public func append(_ event: RunEvent) throws(RunFileError) {
        pending.append(contentsOf: RunFileCodec.encode(event).utf8)
        pending.append(0x0A)
        if pending.count > 1 << 16 { try flush() }
    }

    /// Writes queued lines to the file. On failure nothing is dropped: the lines stay queued.
    public func flush() throws(RunFileError) {
        let r = pending.withUnsafeBytes { FileOutput.writeAll(fd, $0) }
        if let e = r.errno {
            pending.removeFirst(r.written)
            throw .writeFailed(path: path, reason: FileOutput.describe(e))
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes and asks the kernel to put the file on disk.
    public func sync() throws(RunFileError) {
        try flush()
        if fsync(fd) != 0 { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Flushes, syncs and closes.
    public func close() throws(RunFileError) {
        guard !closed else { return }
        defer { closed = true; Foundation.close(fd) }
        try sync()
    }
}
