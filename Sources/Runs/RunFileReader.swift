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

    /// Reads a whole run file.
    public static func read(_ path: String) throws(RunFileError) -> RunFileContents {
        let file = try resolve(path)
        guard let data = FileManager.default.contents(atPath: file) else {
            if !FileManager.default.fileExists(atPath: file) { throw .missing(path: file) }
            throw .unreadable(path: file, reason: "permission denied or I/O error")
        }
        return try parse(data, path: file)
    }

    /// Parses the bytes of a run file: lines are found with memchr and decoded on two threads.
    public static func parse(_ data: Data, path: String) throws(RunFileError) -> RunFileContents {
        let bytes = [UInt8](data)
        // Line boundaries.
        var lines: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            var start = 0
            while start < buf.count {
                if let nl = memchr(base + start, 0x0A, buf.count - start) {
                    let i = UnsafeRawPointer(nl).assumingMemoryBound(to: UInt8.self) - base
                    lines.append(start..<i)
                    start = i + 1
                } else {
                    lines.append(start..<buf.count)
                    start = buf.count
                }
            }
        }
        let torn = !bytes.isEmpty && bytes.last != 0x0A
        guard let first = lines.first, !first.isEmpty else { throw .notARunFile(path: path, reason: "empty file") }
        let headerEvent = bytes.withUnsafeBufferPointer { buf in
            Result { () throws(RunFileError) in try RunFileCodec.decode(bytes: UnsafeBufferPointer(rebasing: buf[first])) }
        }
        let header: RunHeader
        switch headerEvent {
        case .success(.header(let h)): header = h
        case .failure(.invalidRecord(let why)) where why.hasPrefix("header"): throw .notARunFile(path: path, reason: why)
        default: throw .notARunFile(path: path, reason: "first line is not a header record")
        }
        guard header.format == RunHeader.formatName else {
            throw .notARunFile(path: path, reason: "format is '\(header.format)'")
        }
        guard header.version <= RunHeader.currentVersion else { throw .newerVersion(path: path, version: header.version) }
        // Decode the rest in two halves at once; each slot keeps its line's result, so order is preserved.
        let n = lines.count
        let lineRanges = lines
        var results = [Result<RunEvent, RunFileError>?](repeating: nil, count: n)
        let workers = n > 20_000 ? 2 : 1
        results.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { buf in
                let outBox = UncheckedBox(out), bufBox = UncheckedBox(buf)
                DispatchQueue.concurrentPerform(iterations: workers) { w in
                    let lo = 1 + (n - 1) * w / workers, hi = 1 + (n - 1) * (w + 1) / workers
                    for i in lo..<hi {
                        let r = lineRanges[i]
                        let line = UnsafeBufferPointer(rebasing: bufBox.value[r])
                        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
                        outBox.value[i] = Result { () throws(RunFileError) in try RunFileCodec.decode(bytes: line) }
                    }
                }
            }
        }
        var events: [RunEvent] = []
        events.reserveCapacity(n)
        var skipped: [RunFileContents.SkippedLine] = []
        var tornTail = torn
        for i in 1..<max(1, n) {
            guard let r = results[i] else { continue }
            let isTail = torn && i == n - 1
            switch r {
            case .success(let e):
                events.append(e)
                if isTail { tornTail = false }   // a complete record that only lacks its newline
            case .failure(.unknownKind(let k)):
                skipped.append(.init(line: i + 1, reason: "unknown record kind '\(k)'"))
            case .failure(.invalidRecord(let why)) where !isTail:
                skipped.append(.init(line: i + 1, reason: why))
            case .failure:
                skipped.append(.init(line: i + 1, reason: isTail ? "torn last line (ignored)" : "not a valid record"))
            }
        }
        let torn2 = tornTail
        return RunFileContents(header: header, events: events, skipped: skipped, tornTail: torn2)
    }
}

/// Hands a buffer to worker threads that touch disjoint parts of it.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
