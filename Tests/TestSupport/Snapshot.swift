import Foundation
import TerminalUI

/// Text snapshots of rendered screens, stored next to the test file in `Snapshots/NAME.txt`.
/// Set VAETOP_RECORD_SNAPSHOTS=1 to write them anew (each test that records one fails, saying so, so a recording
/// run never passes for a check); otherwise a missing or different file is a failure.
public enum Snapshot {
    /// A rendered grid: its text, then its styles (one letter per cell, and what each letter is), so a colour or
    /// attribute that changes fails as a changed character does.
    public static func check(_ g: Grid, named name: String, testFile: String = #filePath) -> String? {
        check(g.lines + ["", "styles:"] + styleLines(g), named: name, testFile: testFile)
    }

    /// One row of letters per grid row (a letter per distinct style, in order of appearance), then the legend.
    static func styleLines(_ g: Grid) -> [String] {
        // 62 ASCII letters and digits, then Greek and Cyrillic (a heatmap holds many shades); "?" past them all.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            + (0x3B1...0x3C9).compactMap { Unicode.Scalar($0).map(Character.init) } + (0x430...0x44F).compactMap { Unicode.Scalar($0).map(Character.init) }
        var letters: [Style: Character] = [:], legend: [String] = []
        func letter(_ st: Style) -> Character {
            if let l = letters[st] { return l }
            let l = letters.count < alphabet.count ? alphabet[letters.count] : "?"
            if l != "?" {
                letters[st] = l
                legend.append("\(l) = fg \(describe(st.fg)), bg \(describe(st.bg))" + (st.attributes.isEmpty ? "" : ", " + attributes(st.attributes)))
            }
            return l
        }
        var rows: [String] = []
        for y in 0..<g.height { rows.append(String((0..<g.width).map { letter(g[$0, y].style) })) }
        return rows + legend
    }

    static func describe(_ c: Color) -> String {
        guard case .rgb(let r, let g, let b) = c else { return "default" }
        return "#" + [r, g, b].map { v in (v < 16 ? "0" : "") + String(v, radix: 16) }.joined()
    }

    static func attributes(_ a: Style.Attributes) -> String {
        [(Style.Attributes.bold, "bold"), (.dim, "dim"), (.reverse, "reverse"), (.underline, "underline")].filter { a.contains($0.0) }.map(\.1)
            .joined(separator: " ")
    }

    /// nil when `lines` match the stored snapshot, else a description of the first difference.
    public static func check(_ lines: [String], named name: String, testFile: String = #filePath) -> String? {
        let dir = URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Snapshots")
        let path = dir.appendingPathComponent(name + ".txt").path
        let text = lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
        if ProcessInfo.processInfo.environment["VAETOP_RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let before = FileManager.default.contents(atPath: path)
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return before == Data(text.utf8) ? "\(name): recorded, unchanged (VAETOP_RECORD_SNAPSHOTS is set: rerun without it to check)"
                : "\(name): recorded anew (VAETOP_RECORD_SNAPSHOTS is set: review the diff, rerun without it to check)"
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
