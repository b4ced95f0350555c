import Foundation
import Testing
@testable import TerminalUI

@Suite struct ThemeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func parsesBtopSyntaxIgnoringUnknownKeysAndComments() throws {
        let text = """
        # a comment
        theme[main_bg]="#000000"
        theme[loss] = "#ff8000"
        theme[cpu_box]="#123456"
        theme[main_fg]=#FFF

        """
        let t = try ThemeParser.parse(text, name: "x", file: "x.theme")
        #expect(t[.mainBg] == .rgb(0, 0, 0))
        #expect(t[.loss] == .rgb(255, 128, 0))
        #expect(t[.mainFg] == .rgb(255, 255, 255))
        #expect(t.colors["cpu_box"] == nil)                       // btop's own key: ignored
        #expect(t[.recon] == Theme.builtin[.recon])              // missing: built-in fallback
    }

    /// Every colour the code names is a `ThemeRole` (a misspelt one does not compile), and the built-in theme gives
    /// exactly those: one list of keys; each gradient's start and end are roles too.
    @Test func theRolesAreTheBuiltInThemesKeys() {
        #expect(Set(Theme.builtinColors.keys) == Set(ThemeRole.allCases.map(\.rawValue)))
        for g in ThemeGradient.allCases {
            #expect(ThemeRole(rawValue: g.rawValue + "_start") != nil && ThemeRole(rawValue: g.rawValue + "_end") != nil)
        }
    }

    /// Colours are six (or three) hex digits after '#', or a grey level 0…255: no sign, no spaces inside.
    @Test func coloursAreDigitsOnly() {
        #expect(Color(hex: "#10a0FF") == .rgb(0x10, 0xA0, 0xFF) && Color(hex: "#fff") == .rgb(255, 255, 255) && Color(hex: "128") == .rgb(128, 128, 128))
        for bad in ["#+FFFFF", "#-00001", "#FF FF0", "+12", "-0", "#0x1234", "#１２３４５６", "256", "#12345"] {
            #expect(Color(hex: bad) == nil, "\(bad) was accepted")
        }
    }

    @Test func brokenLinesNameFileAndLine() {
        #expect(throws: ThemeError(file: "b.theme", line: 3, message: "'#12345G' is not a colour (#RRGGBB) for theme[loss]")) {
            try ThemeParser.parse("# ok\ntheme[main_bg]=\"#000000\"\ntheme[loss]=\"#12345G\"\n", name: "b", file: "b.theme")
        }
        #expect(throws: ThemeError.self) { try ThemeParser.parse("color loss = red", name: "b", file: "b.theme") }
        #expect(throws: ThemeError.self) { try ThemeParser.parse("theme[loss]=\"#FFFFFF", name: "b", file: "b.theme") }
    }

    @Test func libraryFallsBackToDefaultOnBrokenFile() throws {
        let dir = NSTemporaryDirectory() + "/themes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "theme[main_bg]=\"nope\"\n".write(toFile: dir + "/bad.theme", atomically: true, encoding: .utf8)
        let lib = ThemeLibrary(folders: [dir])
        let (t, e) = lib.load("bad")
        #expect(t == .builtin)
        #expect(e?.line == 1 && e!.description.contains("bad.theme:1"))
        let (_, missing) = lib.load("nonexistent")
        #expect(missing != nil)
    }

    @Test func shippedThemesParseAndDiffer() throws {
        let lib = ThemeLibrary(folders: [Self.root.appendingPathComponent("themes").path])
        #expect(Set(lib.names).isSuperset(of: ["default", "light", "high-contrast", "monochrome"]))
        #expect(lib.names.first == "default")
        var backgrounds = Set<Color>()
        for name in lib.names {
            let (t, e) = lib.load(name)
            #expect(e == nil, "\(name): \(String(describing: e))")
            backgrounds.insert(t[.mainBg])
        }
        #expect(backgrounds.count >= 2)
        let (mono, _) = lib.load("monochrome")
        for (_, c) in mono.colors { if case .rgb(let r, let g, let b) = c { #expect(r == g && g == b) } }
        let (def, _) = lib.load("default")
        #expect(def.colors == Theme.builtin.colors)
    }

    @Test func gradientHitsItsEnds() {
        let t = Theme.builtin
        #expect(t.gradient(.heat, 0) == t[.heatStart])
        #expect(t.gradient(.heat, 0.5) == t[.heatMid])
        #expect(t.gradient(.heat, 1) == t[.heatEnd])
        #expect(t.gradient(.heat, .nan) == t[.heatStart])
    }
}
