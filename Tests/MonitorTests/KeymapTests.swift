import Foundation
import TerminalUI
import Testing
@testable import Monitor

/// One keymap drives the reducer, the hint bar, the help overlay and the README's key table.
@Suite struct KeymapTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md").path

    @Test func readmeKeyTableIsTheKeymap() throws {
        let text = try String(contentsOfFile: Self.readme, encoding: .utf8)
        let start = try #require(text.range(of: "<!-- keys: generated from Sources/Monitor/Keymap.swift; KeymapTests keeps it in sync -->\n"))
        let end = try #require(text.range(of: "\n<!-- /keys -->"))
        let table = String(text[start.upperBound..<end.lowerBound])
        if ProcessInfo.processInfo.environment["VAETOP_RECORD_SNAPSHOTS"] != nil && table != Keymap.markdownTable {
            // Recording snapshots rewrites the README's table too.
            try (text[..<start.upperBound] + Keymap.markdownTable + text[end.lowerBound...]).write(toFile: Self.readme, atomically: true, encoding: .utf8)
            return
        }
        #expect(table == Keymap.markdownTable, "README key table is out of date; it should read:\n\(Keymap.markdownTable)")
    }

    /// Each modal interaction has its key table: the prompts' hints and the reducer both read it.
    @Test func modalInteractionsReadTheirKeyTables() {
        #expect(Keymap.modalHints(.typing, ascii: false) == "⏎ apply  esc cancel")
        #expect(Keymap.modalHints(.filtering, ascii: true) == "enter keep  esc clear")
        for scope in [KeyBinding.Scope.typing, .filtering, .confirming, .overHelp] {
            var seen: Set<Key> = []
            for b in Keymap.modal where b.scope == scope {
                #expect(Keymap.bindings.allSatisfy { $0.scope != scope }, "modal keys stay out of the main table")
                for k in b.keys { #expect(seen.insert(k).inserted, "\(k) bound twice while \(scope)") }
            }
            #expect(!seen.isEmpty, "\(scope) has no keys")
        }
        #expect(Keymap.modalAction(for: .char("Y"), in: .confirming) == .confirm)
        #expect(Keymap.modalAction(for: .char("n"), in: .confirming) == nil)   // any other key: no
        #expect(Keymap.modalAction(for: .char("7"), in: .typing) == nil)       // text
        var s = AppState(mode: .live, width: 120, height: 40)
        s.interaction = .typing("0.0")
        for k in [Key.char("5"), .backspace, .char("2")] { _ = Reducer.reduce(&s, .key(k)) }
        #expect(s.interaction == .typing("0.02"))
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(s.interaction == .normal)
        s.interaction = .help(over: .normal)
        _ = Reducer.reduce(&s, .key(.char("q")))
        #expect(s.interaction == .normal)
    }

    @Test func noKeyIsBoundTwiceInAMode() {
        for mode in [AppState.Mode.live, .replay, .follow, .rangeTest] {
            var seen: [Key: KeyBinding.Action] = [:]
            for b in Keymap.bindings where Keymap.applies(b, in: mode) {
                for k in b.keys {
                    #expect(seen[k] == nil, "\(k) is bound to \(seen[k].map { "\($0)" } ?? "") and \(b.action) in \(mode)")
                    seen[k] = b.action
                }
            }
            // The rewind cursor's keys and the shared ones never clash either.
            var rewinding: [Key: KeyBinding.Action] = [:]
            for b in Keymap.bindings where Keymap.applies(b, in: mode, rewinding: true) {
                for k in b.keys {
                    #expect(rewinding[k] == nil, "\(k) is bound twice while rewinding")
                    rewinding[k] = b.action
                }
            }
        }
    }

    @Test func everyHintAndHelpLineComesFromTheTable() {
        for mode in [AppState.Mode.live, .replay, .follow, .rangeTest] {
            // The overlay lists the mode's keys and fits 80×24 whole (the last line, q, included).
            var s = AppState(mode: mode, width: 80, height: 24)
            s.showHelp = true
            let screen = Screen.render(s).lines.joined(separator: "\n")
            for line in Keymap.helpLines(for: mode) { #expect(screen.contains(line.text), "\(mode) help lacks '\(line.text)'") }
        }
        let hints = Keymap.hints(for: .live, ascii: false).map(\.word)
        #expect(hints == ["pause", "select", "adjust", "type", "undo", "rewind", "ckpt", "eval", "focus", "zoom", "log", "smooth", "theme", "help", "quit"])
        let rewinding = Keymap.hints(for: .live, ascii: false, rewinding: true).map(\.word)
        #expect(rewinding == ["rewind here", "cancel", "snapshot", "first/last", "zoom", "log", "theme", "help", "quit"])
    }
}

/// Narrow terminals keep what matters: lr, β and λ in the status line (whole parts only), help and quit hints.
@Suite struct NarrowScreenTests {
    @Test(arguments: [(80, 24), (100, 30), (60, 18)])
    func statusKeepsTheKnobsAndHintsKeepHelpAndQuit(width: Int, height: Int) {
        // At the 60-column minimum the replay position or "following" takes λ's room; from 80 columns every mode
        // shows all three.
        for mode in width >= 80 ? [AppState.Mode.live, .replay, .follow] : [.live] {
            var s = RenderEverySizeTests.state(mode: mode, latent: 8, steps: 50)
            s.width = width; s.height = height
            if mode == .replay { s.replay = ReplayStatus(position: 50, total: 100, speed: "10x", playing: true) }
            let lines = Screen.render(s).lines
            let status = lines[0], hints = lines[height - 1]
            #expect(status.contains("lr ") && status.contains("β ") && status.contains("λ "), "\(mode) \(width): \(status)")
            #expect(hints.contains("? help") && hints.contains("q quit"), "\(mode) \(width): \(hints)")
            // Whole parts only: the line ends with λ's value, not a cut number.
            #expect(status.trimmingCharacters(in: .whitespaces).hasSuffix("λ 0"), "\(mode) \(width): \(status)")
        }
    }
}
