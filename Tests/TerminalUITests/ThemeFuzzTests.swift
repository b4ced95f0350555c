import Foundation
import ResourceLocator
import TestSupport
import Testing
@testable import TerminalUI

/// Theme files as people (and accidents) write them: CRLF, huge, binary, damaged; never a crash or a hang.
@Suite struct ThemeFuzzTests {
    @Test func crlfFilesReadLikeLFFiles() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let lf = "# comment\ntheme[main_bg]=\"#101010\"\ntheme[title]=\"#FF8000\"\n"
        try lf.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: dir.file("crlf.theme"), atomically: true, encoding: .utf8)
        try lf.write(toFile: dir.file("lf.theme"), atomically: true, encoding: .utf8)
        let a = try ThemeParser.load(path: dir.file("crlf.theme")), b = try ThemeParser.load(path: dir.file("lf.theme"))
        #expect(a[.mainBg] == b[.mainBg] && a[.title] == b[.title])
        // Line numbers still count CRLF lines.
        try "theme[a]=\"#000000\"\r\nnonsense\r\n".write(toFile: dir.file("bad.theme"), atomically: true, encoding: .utf8)
        #expect { try ThemeParser.load(path: dir.file("bad.theme")) } throws: { ($0 as? ThemeError)?.line == 2 }
    }

    @Test func oversizedAndEndlessFilesAreRefusedQuickly() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let line = "theme[main_bg]=\"#101010\"\n"
        try String(repeating: line, count: (ThemeParser.maxBytes / line.utf8.count) + 10).write(toFile: dir.file("big.theme"), atomically: true, encoding: .utf8)
        let start = Date()
        #expect { try ThemeParser.load(path: dir.file("big.theme")) } throws: { "\($0)".contains("larger than") }
        #expect { try ThemeParser.load(path: "/dev/zero") } throws: { "\($0)".contains("is a character device, not a regular file") }
        // A FIFO nobody writes (it once blocked the screen before its first frame), a folder, a dangling symlink, an
        // empty file: each refused at once, saying what it is.
        #expect(mkfifo(dir.file("fifo.theme"), 0o644) == 0)
        #expect { try ThemeParser.load(path: dir.file("fifo.theme")) } throws: { "\($0)".contains("is a FIFO, not a regular file") }
        try FileManager.default.createDirectory(atPath: dir.file("folder.theme"), withIntermediateDirectories: false)
        #expect { try ThemeParser.load(path: dir.file("folder.theme")) } throws: { "\($0)".contains("is a folder") }
        try FileManager.default.createSymbolicLink(atPath: dir.file("dangling.theme"), withDestinationPath: dir.file("nowhere"))
        #expect { try ThemeParser.load(path: dir.file("dangling.theme")) } throws: { "\($0)".contains("no such file") }
        try Data().write(to: URL(fileURLWithPath: dir.file("empty.theme")))
        #expect { try ThemeParser.load(path: dir.file("empty.theme")) } throws: { "\($0)".contains("is empty") }
        #expect(Date().timeIntervalSince(start) < 5)
        let (theme, problem) = ThemeLibrary(folders: []).load(dir.file("big.theme"))
        #expect(problem != nil && theme.name == Theme.builtin.name)
    }

    @Test func randomBytesNeverCrash() {
        var state: UInt64 = 0x9E37_79B9
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        let seed = Array("theme[main_bg]=\"#101010\"\ntheme[title]=\"#FF8000\"\ntheme[graph_text]=\"128\"\n".utf8)
        for _ in 0..<2000 {
            var b = seed
            for _ in 0..<(1 + next() % 6) { b[Int(next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: next()) }
            _ = try? ThemeParser.parse(String(decoding: b, as: UTF8.self), name: "x", file: "x")
        }
    }

    /// Resources resolve from the executable's project, not from `.build/`.
    @Test func resourceFoldersFindTheProjectFromItsBuildFolder() {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let exe = root + "/.build/x86_64-unknown-linux-gnu/release/vaetop"
        #expect(ResourceFolders.candidates("themes", executable: exe).contains(root + "/themes"))
        #expect(!ResourceFolders.candidates("themes", executable: exe).contains(root + "/.build/themes"))
    }
}
