import FileAccess
import Foundation

/// Reads run files: tolerant of a torn last line, garbage lines and unknown record kinds.
public enum RunFileReader {
    /// The JSON Lines file inside a run directory.
    public static let fileName = "run.jsonl"

    /// Resolves a run directory or file path to the JSON Lines file.
    public static func resolve(_ path: String) throws(RunFileError) -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw .missing(path: path) }
        return isDir.boolValue ? (path as NSString).appendingPathComponent(fileName) : path
    }

    /// The longest line a reader parses (documented in `docs/run-format.md`): vaetop's largest records (images) are
    /// under 100 KB. A longer line is skipped by its length without being parsed or held in memory.
    public static let maxLineBytes = 16 << 20

    /// Opens a run file for reading: a regular file only (a FIFO, device or folder is refused at once).
    public static func open(_ file: String) throws(RunFileError) -> FileHandle {
        do { return try RegularFile.open(file) } catch {
            switch error {
            case .missing: throw .missing(path: file)
            default: throw .unreadable(path: file, reason: error.reason)
            }
        }
    }

    /// Reads a whole run file, 8 MB at a time: memory holds the records, never the file's bytes.
    public static func read(_ path: String) throws(RunFileError) -> RunFileContents {
        let file = try resolve(path)
        let h = try open(file)
        defer { try? h.close() }
        var parser = Parser(path: file)
        while true {
            let chunk: Data
            do { chunk = try h.read(upToCount: chunkSize) ?? Data() } catch { throw .unreadable(path: file, reason: "\(error.localizedDescription)") }
            if chunk.isEmpty { break }
            try parser.feed(chunk)
        }
        return try parser.finish()
    }

    /// The header of a run file (its first line), without reading the rest; nil when there is none yet.
    public static func header(_ path: String) -> RunHeader? {
        guard let file = try? resolve(path), let h = try? open(file) else { return nil }
        defer { try? h.close() }
        guard let bytes = try? h.read(upToCount: 1 << 20), let nl = bytes.firstIndex(of: 0x0A),
              case .header(let header)? = try? RunFileCodec.decode(Substring(decoding: bytes[..<nl], as: UTF8.self)) else { return nil }
        return header
    }

    /// The index of the first "\n" in `data`, by memchr: Data's generic firstIndex(of:) took 20 s to pass over a
    /// 1 GiB line.
    static func firstNewline<D: DataProtocol & ContiguousBytes>(_ data: D) -> D.Index? where D.Index == Int {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let p = memchr(base, 0x0A, raw.count) else { return nil }
            return data.startIndex + (UnsafeRawPointer(p) - base)
        }
    }

    /// Bytes read at a time.
    static let chunkSize = 8 << 20

    /// Parses the bytes of a run file.
    public static func parse(_ data: Data, path: String) throws(RunFileError) -> RunFileContents {
        var parser = Parser(path: path)
        try parser.feed(data)
        return try parser.finish()
    }

    /// Reads a run file fed in pieces: complete lines are decoded as they arrive (on two threads when there are
    /// many), the incomplete end is kept for the next piece; `finish` reports a torn last line.
    struct Parser {
        let path: String
        var header: RunHeader?
        var events: [RunEvent] = []
        var skipped: [RunFileContents.SkippedLine] = []
        /// Bytes after the last newline so far.
        var rest: [UInt8] = []
        /// 1-based number of the next complete line.
        var lineNumber = 1
        /// True while the bytes of a line longer than `maxLineBytes` are passed over up to its newline.
        var discarding = false

        init(path: String) { self.path = path }

        /// Why a line was passed over unread.
        static var tooLong: String { "longer than \(RegularFile.describeSize(maxLineBytes)) (skipped unread)" }

        mutating func feed(_ data: Data) throws(RunFileError) {
            var start = data.startIndex
            if discarding {
                guard let nl = RunFileReader.firstNewline(data) else { return }
                skipped.append(.init(line: lineNumber, reason: Self.tooLong))
                lineNumber += 1
                discarding = false
                start = nl + 1
            }
            var bytes = rest
            bytes.append(contentsOf: data[start...])
            guard let lastNewline = bytes.lastIndex(of: 0x0A) else { try keep(bytes); return }
            try decode(bytes, upTo: lastNewline)
            try keep(Array(bytes[(lastNewline + 1)...]))
        }

        /// Keeps the start of an incomplete line, or starts passing over it when it is already too long.
        mutating func keep(_ tail: [UInt8]) throws(RunFileError) {
            guard tail.count > maxLineBytes else { rest = tail; return }
            if header == nil { throw .notARunFile(path: path, reason: "first line is \(Self.tooLong)") }
            rest = []
            discarding = true
        }

        /// Decodes the complete lines in bytes[..<end] (end is the index of the last newline).
        mutating func decode(_ bytes: [UInt8], upTo end: Int) throws(RunFileError) {
            var lines: [Range<Int>] = []
            bytes.withUnsafeBufferPointer { buf in
                guard let base = buf.baseAddress else { return }
                var start = 0
                while start <= end {
                    guard let nl = memchr(base + start, 0x0A, end + 1 - start) else { break }
                    let i = UnsafeRawPointer(nl).assumingMemoryBound(to: UInt8.self) - base
                    lines.append(start..<i)
                    start = i + 1
                }
            }
            var first = 0
            if header == nil {
                guard let line = lines.first else { return }
                header = try Self.header(bytes, line, path: path)
                first = 1
            }
            let n = lines.count - first
            guard n > 0 else { lineNumber += lines.count; return }
            var results = [Result<RunEvent, RunFileError>?](repeating: nil, count: n)
            let workers = n > 4_000 ? 2 : 1
            let lineRanges = lines, skip = first
            results.withUnsafeMutableBufferPointer { out in
                bytes.withUnsafeBufferPointer { buf in
                    let outBox = UncheckedBox(out), bufBox = UncheckedBox(buf)
                    DispatchQueue.concurrentPerform(iterations: workers) { w in
                        for k in (n * w / workers)..<(n * (w + 1) / workers) {
                            let line = UnsafeBufferPointer(rebasing: bufBox.value[lineRanges[skip + k]])
                            if line.count > maxLineBytes { outBox.value[k] = .failure(.invalidRecord(Self.tooLong)); continue }
                            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
                            outBox.value[k] = Result { () throws(RunFileError) in try RunFileCodec.decode(bytes: line) }
                        }
                    }
                }
            }
            for (k, r) in results.enumerated() {
                guard let r else { continue }
                let number = lineNumber + first + k
                switch r {
                case .success(let e): events.append(e)
                case .failure(let why): skipped.append(.init(line: number, reason: why.description))
                }
            }
            lineNumber += lines.count
        }

        static func header(_ bytes: [UInt8], _ line: Range<Int>, path: String) throws(RunFileError) -> RunHeader {
            guard !line.isEmpty else { throw .notARunFile(path: path, reason: "empty file") }
            guard line.count <= maxLineBytes else { throw .notARunFile(path: path, reason: "first line is \(Self.tooLong)") }
            let decoded = bytes.withUnsafeBufferPointer { buf in
                Result { () throws(RunFileError) in try RunFileCodec.decode(bytes: UnsafeBufferPointer(rebasing: buf[line])) }
            }
            let header: RunHeader
            switch decoded {
            case .success(.header(let h)): header = h
            case .failure(.invalidRecord(let why)) where why.hasPrefix("header"): throw .notARunFile(path: path, reason: why)
            default: throw .notARunFile(path: path, reason: "first line is not a header record")
            }
            guard header.format == RunHeader.formatName else { throw .notARunFile(path: path, reason: "format is '\(header.format)'") }
            guard header.version <= RunHeader.currentVersion else { throw .newerVersion(path: path, version: header.version) }
            return header
        }

        /// The contents; a last line without its newline is decoded if whole, else reported as torn.
        mutating func finish() throws(RunFileError) -> RunFileContents {
            var torn = false
            if discarding {
                skipped.append(.init(line: lineNumber, reason: "torn last line, \(Self.tooLong)"))
                discarding = false
                torn = true
            }
            if !rest.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) {
                let tail = rest + [0x0A]
                let before = events.count, skippedBefore = skipped.count
                let wasHeaderless = header == nil
                try decode(tail, upTo: tail.count - 1)
                if !wasHeaderless && events.count == before && skipped.count > skippedBefore {
                    skipped[skipped.count - 1].reason = "torn last line (ignored)"
                    torn = true
                }
            }
            rest = []
            guard let header else { throw .notARunFile(path: path, reason: "empty file") }
            return RunFileContents(header: header, events: events, skipped: skipped, tornTail: torn)
        }
    }
}

/// Hands a buffer to worker threads that touch disjoint parts of it.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
