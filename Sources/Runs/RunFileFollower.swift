import Foundation

/// Follows a run file that another process is appending to: returns new records as they are completed,
/// and notices a file that was truncated or replaced (then everything is read again).
public final class RunFileFollower {
    /// What a poll found.
    public enum Update {
        case none
        /// Records appended since the last poll (the header first, on the first poll).
        case appended([RunEvent])
        /// The file was replaced or truncated: these are its whole contents now.
        case reset(RunFileContents)
    }

    public let path: String
    private var offset: UInt64 = 0
    private var inode: UInt64?
    private var partial: [UInt8] = []
    private var sawHeader = false
    /// Lines that could not be decoded so far.
    public private(set) var skipped: [RunFileContents.SkippedLine] = []
    private var lineNumber = 0

    /// `path` is a run directory or its run.jsonl.
    public init(path: String) {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        self.path = exists && isDir.boolValue ? (path as NSString).appendingPathComponent(RunFileReader.fileName) : path
    }

    /// Reads whatever was appended. Cheap when nothing changed (one stat).
    public func poll() -> Update {
        var st = stat()
        guard stat(path, &st) == 0 else { return .none }
        let size = UInt64(st.st_size), ino = UInt64(st.st_ino)
        if let known = inode, known != ino || size < offset {
            return reread(ino)
        }
        inode = ino
        guard size > offset else { return .none }
        guard let h = FileHandle(forReadingAtPath: path) else { return .none }
        defer { try? h.close() }
        do { try h.seek(toOffset: offset) } catch { return .none }
        let data = (try? h.read(upToCount: Int(size - offset))) ?? Data()
        offset += UInt64(data.count)
        partial += data
        var events: [RunEvent] = []
        var start = 0
        while let nl = partial[start...].firstIndex(of: 0x0A) {
            lineNumber += 1
            let line = partial[start..<nl]
            start = nl + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            let decoded = line.withUnsafeBufferPointer { buf in Result { () throws(RunFileError) in try RunFileCodec.decode(bytes: buf) } }
            let e: RunEvent
            switch decoded {
            case .success(let v): e = v
            case .failure(let why): skipped.append(.init(line: lineNumber, reason: why.description)); continue
            }
            if case .header = e { sawHeader = true }
            else if !sawHeader { skipped.append(.init(line: lineNumber, reason: "record before the header")); continue }
            events.append(e)
        }
        partial.removeFirst(start)
        return events.isEmpty ? .none : .appended(events)
    }

    private func reread(_ ino: UInt64) -> Update {
        inode = ino
        partial = []
        skipped = []
        guard let contents = try? RunFileReader.read(path) else { offset = 0; lineNumber = 0; sawHeader = false; return .none }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64) ?? 0
        offset = size
        lineNumber = contents.events.count + 1 + contents.skipped.count
        sawHeader = true
        if contents.tornTail, let data = FileManager.default.contents(atPath: path), let nl = data.lastIndex(of: 0x0A) {
            partial = [UInt8](data[(nl + 1)...])   // the torn tail is completed by the writer's next write
        }
        return .reset(contents)
    }
}
