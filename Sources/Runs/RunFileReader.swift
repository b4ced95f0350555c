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

    /// Parses the bytes of a run file.
    public static func parse(_ data: Data, path: String) throws(RunFileError) -> RunFileContents {
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var torn = false
        if let last = lines.last {
            if last.isEmpty { lines.removeLast() } else { torn = true }
        }
        guard let first = lines.first else { throw .notARunFile(path: path, reason: "empty file") }
        guard case .header(let header)? = try? RunFileCodec.decode(first) else {
            throw .notARunFile(path: path, reason: "first line is not a header record")
        }
        guard header.format == RunHeader.formatName else {
            throw .notARunFile(path: path, reason: "format is '\(header.format)'")
        }
        guard header.version <= RunHeader.currentVersion else { throw .newerVersion(path: path, version: header.version) }
        var events: [RunEvent] = []
        events.reserveCapacity(lines.count)
        var skipped: [RunFileContents.SkippedLine] = []
        for (i, line) in lines.enumerated().dropFirst() {
            let isTail = torn && i == lines.count - 1
            if line.allSatisfy({ $0 == " " || $0 == "\r" }) { continue }
            do {
                events.append(try RunFileCodec.decode(line))
                // A last line that parses is a complete record that only lacks its newline.
                if isTail { torn = false }
            } catch RunFileError.unknownKind(let k) {
                skipped.append(.init(line: i + 1, reason: "unknown record kind '\(k)'"))
            } catch {
                skipped.append(.init(line: i + 1, reason: isTail ? "torn last line (ignored)" : "not a valid record"))
            }
        }
        return RunFileContents(header: header, events: events, skipped: skipped, tornTail: torn)
    }
}
