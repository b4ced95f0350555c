import Foundation
import Runs
import Testing
import TerminalUI
@testable import Monitor

/// Comparing runs: one line per run in the run's colour with its value in the legend, `[` `]` focus a run (its name
/// leads the status line), `v` shows and hides, the run table, the KL panel per run or as a difference.
@Suite struct CompareTests {
    /// A run like `SyntheticRun`'s with its losses scaled by `scale` and its config's β schedule `beta`.
    static func run(_ scale: Float, steps: Int = 200, beta: BetaScheduleConfig.Kind = .cyclical, end: Bool = true) -> [RunEvent] {
        SyntheticRun.events(steps: steps).map { e -> RunEvent in
            switch e {
            case .header(var h): h.config.betaSchedule.kind = beta; return .header(h)
            case .step(var m): m.loss *= scale; m.recon *= scale; return .step(m)
            case .eval(var m): m.loss *= scale; return .eval(m)
            default: return e
            }
        } + (end ? [.end(RunSummary(step: steps, epoch: 5, reason: .finished, testLoss: nil, activeUnits: nil, samplesPerSecond: 1, seconds: 1))] : [])
    }

    static func state(_ runs: [(String, [RunEvent])], width: Int = 160, height: Int = 48) -> AppState {
        var s = AppState(mode: .replay, width: width, height: height, runName: runs[0].0)
        _ = Reducer.reduce(&s, .events(runs[0].1))
        s.compared = runs.dropFirst().map { ComparedRun(name: $0.0, events: $0.1) }
        s.setUpComparison()
        return s
    }

    @Test func legendGivesEachRunItsValueAndBracketFocusesTheNextRun() {
        var s = Self.state([("no-annealing", Self.run(1)), ("cyclical", Self.run(0.8))])
        let a = CompareMetric.total.value(s.run, atMost: .infinity, smoothed: true)!
        let b = CompareMetric.total.value(s.compared[0].run, atMost: .infinity, smoothed: true)!
        let screen = Screen.render(s).lines
        #expect(screen[0].hasPrefix(" vaetop no-annealing"))
        #expect(screen[2].contains("━ no-annealing \(fmt(a))") && screen[2].contains("━ cyclical \(fmt(b))"), "\(screen[2])")
        #expect(screen[1].contains("compare: total"))
        // The run table: best test loss first (cyclical's losses are smaller), so ] from the first run goes back to it.
        #expect(RunTable(s).rows.map(\.name) == ["cyclical", "no-annealing"])
        _ = Reducer.reduce(&s, .key(.char("[")))
        #expect(s.focusedRun == 1)
        let focused = Screen.render(s).lines
        #expect(focused[0].hasPrefix(" vaetop cyclical") && focused[0].contains("vs no-annealing"), "\(focused[0])")
        // The focused run's numbers fill the panels: its test loss in the table row marked as focused.
        #expect(focused.joined().contains("▶━  cyclical"))
        // n charts another metric, with the values in the legend.
        _ = Reducer.reduce(&s, .key(.char("n")))
        _ = Reducer.reduce(&s, .key(.char("n")))
        _ = Reducer.reduce(&s, .key(.char("n")))
        #expect(s.compareMetric == .testLoss)
        let test = Screen.render(s).lines
        #expect(test[1].contains("compare: test loss") && test[2].contains("cyclical \(fmt(Double(s.compared[0].run.evalLoss.last!)))"))
    }

    @Test func comparedRunsAreRevealedUpToTheFirstRunsStep() {
        var s = Self.state([("A", Self.run(1, steps: 300, end: false)), ("B", Self.run(0.5, steps: 300))])
        // The replay is at step 100 of A: B is drawn, valued and tabled as of step 100.
        s.run = RunView()
        for e in Self.run(1, steps: 100, end: false) { s.run.apply(e) }
        let lines = Screen.runLines(s) { ($0.steps, $0.loss) }
        #expect(lines.map { $0.xs.last } == [100, 100])
        let b100 = CompareMetric.total.value(s.compared[0].run, atMost: 100, smoothed: true)!
        #expect(Screen.render(s).lines[2].contains("B \(fmt(b100))"))
        #expect(RunTable(s).rows.first { $0.name == "B" }?.cells[1] == String(format: "%.2f", s.compared[0].run.evalLoss[1]))
        // Focused, B is cut at step 100 too, and not "finished" before its time.
        s.focusedRun = 1
        let f = s.focusedState
        #expect(f.run.lastStep?.step == 100 && f.run.end == nil && f.runName == "B")
    }

    @Test func atMostEightRunsAreDrawnAndVShowsOrHidesTheFocusedOne() {
        let runs = (0..<10).map { ("r\($0)", Self.run(1 + Float($0) / 10, steps: 80)) }
        var s = Self.state(runs)
        #expect(s.hiddenRuns.count == 2 && !s.hiddenRuns.contains(0), "the first run is always drawn at first")
        #expect(Screen.runLines(s) { ($0.steps, $0.loss) }.count == 8)
        // The worst two (largest losses) are hidden; their colours are free.
        #expect(s.hiddenRuns == [8, 9])
        s.focusedRun = 9
        _ = Reducer.reduce(&s, .key(.char("v")))
        #expect(s.hiddenRuns.contains(9) && s.flash?.text.contains("8 runs at most") == true)
        s.focusedRun = 3
        _ = Reducer.reduce(&s, .key(.char("v")))
        s.focusedRun = 9
        _ = Reducer.reduce(&s, .key(.char("v")))
        #expect(s.hiddenRuns == [3, 8] && s.runColors[9] == s.runColors[3], "9 takes the colour 3 gave up")
        let table = Screen.render(s).lines.joined(separator: "\n")
        #expect(table.contains("8 of 10 drawn · 2 hidden"))
    }

    @Test func runTableShowsOnlyWhatDiffersAndSortsByAnyColumn() {
        var s = Self.state([("lin", Self.run(1.2, beta: .linear)), ("cyc", Self.run(1)), ("const", Self.run(1.1, beta: .constant))])
        let table = RunTable(s)
        #expect(table.columns.map(\.title) == ["run", "test", "best", "AU", "coll", "MI", "beta-schedule"])
        #expect(table.rows.map(\.name) == ["cyc", "const", "lin"] && table.rows.map { $0.cells[6] } == ["cyclical", "constant", "linear"])
        // o: the next column (AU: largest first), then O reverses it.
        _ = Reducer.reduce(&s, .key(.char("o")))
        #expect(s.runSort.column == 3 && s.flash?.text.contains("AU, largest first") == true)
        for _ in 0..<3 { _ = Reducer.reduce(&s, .key(.char("o"))) }
        #expect(RunTable(s).rows.map(\.name) == ["const", "cyc", "lin"], "by beta-schedule, A to Z")
        _ = Reducer.reduce(&s, .key(.char("O")))
        #expect(RunTable(s).rows.map(\.name) == ["lin", "cyc", "const"])
        // The no-terminal summary of a sweep is the same table.
        #expect(RunTable(s).text.split(separator: "\n").first?.hasPrefix("run") == true)
    }

    /// Run colours are the only colours of a comparison's lines, and they stay apart from each other and from the
    /// background in every theme at 24-bit, 256 and 8 colours (where colours run short, letters mark the lines).
    @Test func runColorsStayApartInEveryThemeAndDepth() {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes").path
        let library = ThemeLibrary(folders: [folder])
        #expect(library.names.count >= 4)
        let runs = (0..<8).map { ("r\($0)", Self.run(1 + Float($0) / 10, steps: 80)) }
        for name in library.names {
            let (theme, problem) = library.load(name)
            #expect(problem == nil)
            for depth in [1 << 24, 256, 8] {
                var s = Self.state(runs)
                s.theme = theme; s.colorDepth = depth
                let palette = Screen.runPalette(s)
                let indices = palette.map { ColorDepth.index($0, depth: depth) }
                #expect(Set(indices).count == palette.count && !indices.contains(ColorDepth.index(theme[.mainBg], depth: depth)), "\(name) \(depth)")
                if depth > 8 && name != "monochrome" { #expect(palette.count == 8, "\(name) \(depth): \(palette.count) run colours") }
                #expect(palette.count >= 2)
                // Every braille cell of the loss and β charts is drawn in a drawn run's colour.
                let g = Screen.render(s)
                let colors = Set((0..<8).map { Screen.runColor(s, $0) })
                for y in 3..<20 { for x in 8..<80 where (0x2801...0x28FF).contains(g[x, y].scalar.value) {
                    #expect(colors.contains(g[x, y].style.fg), "\(name) \(depth) (\(x),\(y))")
                } }
                #expect(Screen.runsNeedLetters(s) == (palette.count < 8 || name == "monochrome"))
            }
        }
    }

    @Test func klPanelShowsEachRunOrTheDifference() {
        var s = Self.state([("A", Self.run(1)), ("B", Self.run(0.8))])
        s.compared[0].run = ComparedRun(name: "B", events: Self.run(0.8).map { e in
            guard case .step(var m) = e else { return e }
            m.klDims = m.klDims.map { $0 / 2 }
            return .step(m)
        }).run
        let per = Screen.render(s).lines.joined(separator: "\n")
        #expect(per.contains("▶ A  AU") && per.contains("  B  AU"))
        _ = Reducer.reduce(&s, .key(.char("d")))
        #expect(s.klDifference)
        let g = Screen.render(s)
        #expect(g.lines.joined().contains("A − B") && g.lines.joined().contains("more in A"))
        // A holds twice B's KL in every dimension: the difference is on A's side, shaded towards A's colour.
        let a = Screen.runColor(s, 0)
        let kl = Screen.layout(Rect(x: 0, y: 1, width: 160, height: 46), comparing: true).first { $0.0 == .kl }!.1
        var towardsA = 0, towardsB = 0
        for y in kl.y..<kl.maxY { for x in kl.x..<kl.maxX where g[x, y].scalar == "█" {
            let fg = g[x, y].style.fg
            if Screen.distance(fg, a) < Screen.distance(fg, Screen.runColor(s, 1)) { towardsA += 1 } else { towardsB += 1 }
        } }
        #expect(towardsA > 100 && towardsA > 10 * towardsB, "\(towardsA) \(towardsB)")
    }
}

/// Every state the status bar names is legible on its background, in every shipped theme, at 24-bit and 256 colours
/// (a stopped run once read colour 59 on 59), and a different colour at 8.
@Suite struct StatusContrastTests {
    /// WCAG's relative luminance and contrast ratio.
    static func luminance(_ c: (Int, Int, Int)) -> Double {
        func ch(_ v: Int) -> Double { let x = Double(v) / 255; return x <= 0.03928 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4) }
        return 0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
    }
    static func contrast(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Double {
        let x = luminance(a), y = luminance(b)
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }
    static func rgb(_ c: Color) -> (Int, Int, Int) { if case .rgb(let r, let g, let b) = c { (Int(r), Int(g), Int(b)) } else { (128, 128, 128) } }
    /// The xterm-256 palette entry's RGB.
    static func rgb256(_ i: Int32) -> (Int, Int, Int) {
        if i >= 232 { let g = 8 + 10 * Int(i - 232); return (g, g, g) }
        let levels = [0, 95, 135, 175, 215, 255], c = Int(i - 16)
        return (levels[c / 36], levels[c / 6 % 6], levels[c % 6])
    }

    @Test func everyStateIsLegibleOnTheStatusBar() {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes").path
        let library = ThemeLibrary(folders: [folder])
        let states: [StateChange.State] = [.running, .paused, .finished, .stopped, .diverged]
        #expect(Set(states.map(Screen.stateRole)).isSubset(of: Screen.statusRoles))
        for name in library.names {
            let (t, _) = library.load(name)
            let bg = t[.selectedBg]
            for role in Screen.statusRoles {
                let fg = t[role]
                #expect(Self.contrast(Self.rgb(fg), Self.rgb(bg)) >= 3, "\(name) \(role) at 24-bit")
                let a = ColorDepth.index(fg, depth: 256), b = ColorDepth.index(bg, depth: 256)
                #expect(Self.contrast(Self.rgb256(a), Self.rgb256(b)) >= 3, "\(name) \(role) at 256 colours: \(a) on \(b)")
                #expect(ColorDepth.index(fg, depth: 8) != ColorDepth.index(bg, depth: 8), "\(name) \(role) at 8 colours")
            }
        }
    }
}

/// A sweep's table: a diverged run's astronomically large loss takes three digits and an exponent (not 24 digits that
/// push the other columns off), the guards' repairs and the IWAE bound get their columns where a run has them, and
/// names that share a start drop it before they lose their end.
@Suite struct SweepTableTests {
    static func run(loss: Float, guards: Int, iwae: Float?) -> [RunEvent] {
        var events = CompareTests.run(1)
        for (i, e) in events.enumerated().reversed() {
            if case .eval(var m) = e { m.loss = loss; m.iwae = iwae; m.iwaeK = iwae == nil ? nil : 100; m.iwaeImages = iwae == nil ? nil : 50; events[i] = .eval(m); break }
        }
        if guards > 0 {
            events.insert(.alert(Alert(step: 10, level: .warning, message: "guard diverge: …", guardTrigger: "diverge", guardFiring: guards)), at: 5)
        }
        return events
    }

    @Test func largeLossesGuardsIWAEAndSharedNames() {
        let s = CompareTests.state([("sgd-lr0.001-guards-on", Self.run(loss: 158.58, guards: 3, iwae: 150.25)),
                                    ("sgd-lr0.001-guards-off", Self.run(loss: 2.86e23, guards: 0, iwae: nil))])
        let table = RunTable(s)
        #expect(table.columns.map(\.title).prefix(8) == ["run", "test", "best", "AU", "coll", "MI", "IWAE", "guard"])
        let on = table.rows.first { $0.name.hasSuffix("on") }!, off = table.rows.first { $0.name.hasSuffix("off") }!
        #expect(on.cells[1] == "158.58" && on.cells[6] == "150.25" && on.cells[7] == "3")
        #expect(off.cells[1] == "2.86e+23" && off.cells[6] == "–" && off.cells[7] == "0")
        var narrow = s
        narrow.width = 80; narrow.height = 24
        let screen = Screen.render(narrow).lines.joined(separator: "\n")
        // Both names start "sgd-lr0.001-guards-": the table shows what differs.
        #expect(screen.contains("━  …on ") && screen.contains("━  …off "), "\(screen)")
    }
}
