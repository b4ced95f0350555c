import Foundation
import TerminalUI
import Testing
@testable import CursesBackend

/// Colour scales stay ordered at every colour depth, and 24-bit colour is asked for the way terminals announce it.
@Suite struct ColorMappingTests {
    static let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes").path

    /// The xterm-256 palette entry's RGB (cube or grey ramp).
    static func rgb256(_ i: Int32) -> (Int, Int, Int) {
        if i >= 232 { let g = 8 + 10 * Int(i - 232); return (g, g, g) }
        let levels = [0, 95, 135, 175, 215, 255], c = Int(i - 16)
        return (levels[c / 36], levels[c / 6 % 6], levels[c % 6])
    }

    static func luminance(_ c: (Int, Int, Int)) -> Double { 0.2126 * Double(c.0) + 0.7152 * Double(c.1) + 0.0722 * Double(c.2) }

    @Test func gradientsStayOrderedIn256Colours() {
        let library = ThemeLibrary(folders: [Self.themes])
        #expect(library.names.count >= 4)
        for name in library.names {
            let (theme, problem) = library.load(name)
            #expect(problem == nil)
            for prefix in ThemeGradient.allCases {
                // Along the scale each channel of the mapped colour moves one way only (as the theme's own does), so
                // a shade never jumps to a brighter or other-hued cell in the middle of a scale: no speckles.
                let mapped = (0...100).map { t -> (Int, Int, Int) in
                    guard case .rgb(let r, let g, let b) = theme.gradient(prefix, Double(t) / 100) else { return (0, 0, 0) }
                    return Self.rgb256(ColorDepth.xterm256(r, g, b))
                }
                let source = (0...100).map { t -> (Int, Int, Int) in
                    guard case .rgb(let r, let g, let b) = theme.gradient(prefix, Double(t) / 100) else { return (0, 0, 0) }
                    return (Int(r), Int(g), Int(b))
                }
                for channel in 0..<3 {
                    func value(_ c: (Int, Int, Int)) -> Int { [c.0, c.1, c.2][channel] }
                    for i in 1..<mapped.count {
                        // The mapped channel never moves against the theme's own: no speckle inside a scale.
                        let up = value(source[i]) - value(source[i - 1]), mappedUp = value(mapped[i]) - value(mapped[i - 1])
                        #expect(!(up >= 0 && mappedUp < 0) && !(up <= 0 && mappedUp > 0), "\(name) \(prefix) channel \(channel) reverses at \(i)")
                    }
                }
            }
        }
    }

    @Test func eightColoursKeepALightThemeReadable() {
        let (light, _) = ThemeLibrary(folders: [Self.themes]).load("light")
        var indices = Set<Int32>()
        for key in [ThemeRole.loss, .recon, .kl, .test, .beta, .lr, .grad, .alert, .ok] {
            guard case .rgb(let r, let g, let b) = light[key] else { continue }
            indices.insert(ColorDepth.basic8(r, g, b))
        }
        // The series are told apart (a per-channel threshold mapped nearly all of them to white).
        #expect(indices.count >= 4)
        guard case .rgb(let r, let g, let b) = light[.mainBg] else { return }
        #expect(ColorDepth.basic8(r, g, b) == 7)
    }

    @Test func truecolorUsesTheDirectEntry() {
        let all: (String) -> Bool = { _ in true }
        #expect(TrueColor.directVariant(environment: ["COLORTERM": "truecolor", "TERM": "xterm-256color"], exists: all) == "xterm-direct")
        #expect(TrueColor.directVariant(environment: ["COLORTERM": "24bit", "TERM": "screen-256color", "TMUX": "/tmp/x"], exists: all) == "tmux-direct")
        #expect(TrueColor.directVariant(environment: ["COLORTERM": "truecolor", "TERM": "tmux-256color"], exists: all) == "tmux-direct")
        #expect(TrueColor.directVariant(environment: ["TERM": "xterm-256color"], exists: all) == nil)
        #expect(TrueColor.directVariant(environment: ["COLORTERM": "truecolor", "TERM": "xterm-direct"], exists: all) == nil)
        #expect(TrueColor.directVariant(environment: ["COLORTERM": "truecolor", "TERM": "xterm-256color"], exists: { _ in false }) == nil)
    }
}
