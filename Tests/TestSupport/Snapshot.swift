import Foundation

/// Text snapshots of rendered screens, stored next to the test file in `Snapshots/NAME.txt`.
/// Set VAETOP_RECORD_SNAPSHOTS=1 to write them anew; otherwise a missing or different file is a failure.
public enum Snapshot {
    /// nil when `lines` match the stored snapshot, else a description of the first difference.
    public static func check(_ lines: [String], named name: String, testFile: String = #filePath) -> String? {
        let dir = URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Snapshots")
        let path = dir.appendingPathComponent(name + ".txt").path
        let text = lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["VAETOP_RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return nil
        }
        guard let stored = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
            return "no snapshot at \(path) (run with VAETOP_RECORD_SNAPSHOTS=1 to record it)"
        }
        if stored == text { return nil }
        let a = stored.split(separator: "\n", omittingEmptySubsequences: false), b = text.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : "") != (i < b.count ? b[i] : "") {
            return "\(name) line \(i + 1) differs:\n  stored:   \(i < a.count ? a[i] : "")\n  rendered: \(i < b.count ? b[i] : "")"
        }
        return "\(name) differs"
    }
}
