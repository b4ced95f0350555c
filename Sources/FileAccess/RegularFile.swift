import Foundation
import Glibc

/// Opens files for reading without ever blocking or reading without end: only a regular file (a symlink is followed
/// to one) is opened; a FIFO, device, socket or folder is refused at once with what it is.
public enum RegularFile {
    /// Why a path was not opened; each names the path.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case missing(path: String)
        /// The path exists but is not a regular file (`kind` says what it is: "a FIFO", "a character device", …).
        case notRegular(path: String, kind: String)
        case unreadable(path: String, reason: String)
        /// A regular file larger than the caller reads.
        case tooLarge(path: String, limit: Int)

        public var path: String {
            switch self { case .missing(let p), .notRegular(let p, _), .unreadable(let p, _), .tooLarge(let p, _): return p }
        }

        /// Why, without the path.
        public var reason: String {
            switch self {
            case .missing: return "no such file"
            case .notRegular(_, let kind): return "is \(kind), not a regular file"
            case .unreadable(_, let r): return r
            case .tooLarge(_, let limit): return "larger than \(RegularFile.describeSize(limit))"
            }
        }

        public var description: String { "\(path): \(reason)" }
    }

    /// What a file type is, in words ("a FIFO", "a folder", …).
    public static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symlink"
        default: return "not a file"
        }
    }

    /// Opens `path` for reading: non-blocking, so a FIFO nobody writes cannot hang the open; the opened descriptor is
    /// checked with fstat (no race with a rename), anything but a regular file is refused, and blocking reads are
    /// restored for the caller.
    public static func openDescriptor(_ path: String) throws(Refusal) -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw .missing(path: path) }
            if e == ENXIO || e == EOPNOTSUPP {   // a socket, or a device without a driver
                var st = stat()
                throw .notRegular(path: path, kind: stat(path, &st) == 0 ? kindName(st.st_mode) : "not a file")
            }
            throw .unreadable(path: path, reason: String(cString: strerror(e)))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw .unreadable(path: path, reason: String(cString: strerror(e)))
        }
        guard st.st_mode & S_IFMT == S_IFREG else { close(fd); throw .notRegular(path: path, kind: kindName(st.st_mode)) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
    }

    /// `openDescriptor` as a FileHandle that closes it.
    public static func open(_ path: String) throws(Refusal) -> FileHandle {
        FileHandle(fileDescriptor: try openDescriptor(path), closeOnDealloc: true)
    }

    /// The whole contents of a regular file of at most `limit` bytes.
    public static func contents(_ path: String, limit: Int) throws(Refusal) -> Data {
        let h = try open(path)
        defer { try? h.close() }
        let data: Data
        do { data = try h.read(upToCount: limit + 1) ?? Data() } catch {
            throw .unreadable(path: path, reason: "read failed")
        }
        guard data.count <= limit else { throw .tooLarge(path: path, limit: limit) }
        return data
    }

    /// "16 MiB", "512 KiB", "100 bytes".
    public static func describeSize(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
