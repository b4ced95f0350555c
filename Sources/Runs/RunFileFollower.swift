import FileAccess
import Foundation

/// Follows a run file that another process is appending to: returns new records as they are completed,
/// and notices a file that was truncated or replaced (then everything is read again) or that went away (said once,
/// what was read is kept).
public final class RunFileFollower {
    /// What a poll found.
    public enum Update {
        case none
        /// Records appended since the last poll (the header first, on the first poll).
        case appended([RunEvent])
        /// The file was replaced or truncated: these are its whole contents now.
        case reset(RunFileContents)
        /// Something happened to the file that the screen should say (deleted, truncated, not a regular file, a line
        /// too long); what was read before stays valid.
        case notice(String)
    }

    public let path: String
    private var offset: UInt64 = 0
    private var inode: UInt64?
    /// Why the last `.reset` happened, in words for the event log.
    public private(set) var resetReason: String?
    private var partial: [UInt8] = []
    /// A notice due after the records read with it.
    private var pendingNotice: String?
    /// True while the rest of a line longer than `RunFileReader.maxLineBytes` is passed over.
    private var discarding = false
    private var sawHeader = false
    /// Lines that could not be decoded so far.
    public private(set) var skipped: [RunFileContents.SkippedLine] = []
    private var lineNumber = 0
    /// The last notice given, so that a state that lasts (a deleted file) is said once, not at every poll.
    private var lastNotice: String?
    /// Set after the file shrank to something that is not a run: the next readable contents arrive as a reset.
    private var awaitingReset = false

    /// `path` is a run directory or its run.jsonl.
    public init(path: String) {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        self.path = exists && isDir.boolValue ? (path as NSString).appendingPathComponent(RunFileReader.fileName) : path
    }

    /// The file name and its folder, as notices name them.
    private var shortPath: String {
        let folder = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        return folder.isEmpty ? (path as NSString).lastPathComponent : folder + "/" + (path as NSString).lastPathComponent
    }

    /// `.notice(text)` the first time a lasting condition is seen, `.none` while it lasts.
    private func notice(_ text: String) -> Update {
        guard text != lastNotice else { return .none }
        lastNotice = text
        return .notice(text)
    }

    /// Reads whatever was appended. Cheap when nothing changed (one stat).
    public func poll() -> Update {
        if let n = pendingNotice { pendingNotice = nil; return .notice(n) }
        var st = stat()
        guard stat(path, &st) == 0 else {
            guard inode != nil else { return .none }   // not there yet: `watch` waited for it, a follower keeps waiting
            let folder = (path as NSString).deletingLastPathComponent
            let gone = FileManager.default.fileExists(atPath: folder) ? "was deleted" : "is gone (its folder was removed)"
            return notice("\(shortPath) \(gone); the screen keeps what was read and waits for it to come back")
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            return notice("\(shortPath) is \(RegularFile.kindName(st.st_mode)), not a regular file; not read")
        }
        let size = UInt64(st.st_size), ino = UInt64(st.st_ino)
        if let known = inode, known != ino || size < offset || awaitingReset {
            return reread(ino, size: size, replaced: known != ino)
        }
        if lastNotice != nil { lastNotice = nil }
        inode = ino
        guard size > offset else { return .none }
        guard let h = try? RegularFile.open(path) else { return .none }
        defer { try? h.close() }
        do { try h.seek(toOffset: offset) } catch { return .none }
        // At most one line's limit per poll: a writer that appends gigabytes is read a piece at a time.
        let want = Int(min(size - offset, UInt64(RunFileReader.maxLineBytes)))
        let data = (try? h.read(upToCount: want)) ?? Data()
        offset += UInt64(data.count)
        var events: [RunEvent] = []
        var tooLong: [Int] = []
        var chunk = data[...]
        if discarding {
            guard let nl = RunFileReader.firstNewline(chunk) else { return .none }
            lineNumber += 1   // said (and counted as skipped) when the discarding began
            discarding = false
            chunk = chunk[(nl + 1)...]
        }
        partial += chunk
        var start = 0
        while let nl = partial[start...].firstIndex(of: 0x0A) {
            lineNumber += 1
            let line = partial[start..<nl]
            start = nl + 1
            if line.count > RunFileReader.maxLineBytes { tooLong.append(lineNumber); continue }
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
        if partial.count > RunFileReader.maxLineBytes {   // never held whole: passed over up to its newline
            partial = []
            discarding = true
            tooLong.append(lineNumber + 1)
        }
        for n in tooLong { skipped.append(.init(line: n, reason: RunFileReader.Parser.tooLong)) }
        if let first = tooLong.first {
            // Said once per line, with the records read in the same poll delivered first.
            let text = "\(shortPath) line \(first) is \(RunFileReader.Parser.tooLong)"
            if events.isEmpty { return .notice(text) }
            pendingNotice = text
        }
        return events.isEmpty ? .none : .appended(events)
    }

    private func reread(_ ino: UInt64, size: UInt64, replaced: Bool) -> Update {
        inode = ino
        partial = []
        discarding = false
        skipped = []
        let was = offset
        guard let contents = try? RunFileReader.read(path) else {
            offset = 0; lineNumber = 0; sawHeader = false
            awaitingReset = true
            let what = replaced ? "was replaced by a file that is not a run yet" : "was truncated from \(was) to \(size) bytes"
            return notice("\(shortPath) \(what); the screen keeps what was read and waits for a run to appear")
        }
        awaitingReset = false
        lastNotice = nil
        // A replacement (a new inode) is how rsync and editors update a file, every sync: not worth a line.
        resetReason = replaced ? nil : "\(shortPath) was truncated from \(was) to \(size) bytes: read again from its start"
        offset = size
        lineNumber = contents.events.count + 1 + contents.skipped.count
        sawHeader = true
        if contents.tornTail, let h = try? RegularFile.open(path) {
            defer { try? h.close() }
            // The torn tail is completed by the writer's next write (a tail past the line limit is passed over).
            let back = min(size, UInt64(RunFileReader.maxLineBytes) + 1)
            if (try? h.seek(toOffset: size - back)) != nil, let data = try? h.read(upToCount: Int(back)) {
                if let nl = data.lastIndex(of: 0x0A) { partial = [UInt8](data[(nl + 1)...]) }
                else if back <= UInt64(RunFileReader.maxLineBytes) { partial = [UInt8](data) } else { discarding = true }
            }
        }
        return .reset(contents)
    }
}
