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
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        pending.reserveCapacity(1 << 16)
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
