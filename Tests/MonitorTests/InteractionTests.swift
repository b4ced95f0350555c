import Foundation
import Runs
import TerminalUI
import Testing
@testable import Monitor

/// The keys and mouse habits of btop/htop: focus by click, wheel to scroll or zoom time, a scrollable and filterable
/// event log, dimensions selected in the KL panel, F1/F10, and a word for keys that do nothing.
@Suite struct InteractionTests {
    func state(_ mode: AppState.Mode = .live, width: Int = 120, height: Int = 40) -> AppState {
        var s = AppState(mode: mode, width: width, height: height)
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: 200)))
        return s
    }

    /// `r` holds a running run still while a step is picked: esc lets it go on, ⏎ rewinds and leaves it paused there;
    /// a paused run stays as it was.
    @Test func theRunHoldsStillUnderTheRewindCursor() {
        var s = state()
        _ = Reducer.reduce(&s, .events([.snapshots(SnapshotsRecord(step: 200, points: [50, 100, 150], bytes: 10, budget: 100))]))
        #expect(s.run.state == .running)
        #expect(Reducer.reduce(&s, .key(.char("r"))) == [.command(.pause)])
        #expect(s.rewindStep == 150 && s.resumeAfterRewind)
        _ = Reducer.reduce(&s, .events([.state(StateChange(step: 200, state: .paused, reason: "keyboard"))]))
        _ = Reducer.reduce(&s, .key(.left))
        #expect(s.rewindStep == 100)
        #expect(Reducer.reduce(&s, .key(.escape)) == [.command(.resume)], "esc resumes the run r paused")
        #expect(s.rewindStep == nil && !s.resumeAfterRewind)
        _ = Reducer.reduce(&s, .events([.state(StateChange(step: 200, state: .running, reason: "keyboard"))]))
        // ⏎: the rewind, and no resume (the trainer leaves it paused at the step, to set knobs first).
        #expect(Reducer.reduce(&s, .key(.char("r"))) == [.command(.pause)])
        #expect(Reducer.reduce(&s, .key(.enter)) == [.command(.rewind(toStep: 150))])
        #expect(!s.resumeAfterRewind)
        // Already paused: r sends nothing, esc sends nothing.
        _ = Reducer.reduce(&s, .events([.state(StateChange(step: 200, state: .paused, reason: "keyboard"))]))
        #expect(Reducer.reduce(&s, .key(.char("r"))).isEmpty)
        #expect(Reducer.reduce(&s, .key(.escape)).isEmpty)
    }

    /// One interaction at a time: the help opens over the rewind cursor and esc returns to it; a question or
    /// typing replaces whatever was going on, and the keys go to it alone.
    @Test func oneInteractionAtATime() {
        var s = state()
        s.rewindStep = 100
        _ = Reducer.reduce(&s, .key(.char("?")))
        #expect(s.showHelp && s.rewindStep == 100 && s.interaction == .help(over: .rewinding(step: 100)))
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(!s.showHelp && s.interaction == .rewinding(step: 100), "esc closes the help, the cursor stays")
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(s.interaction == .normal)
        _ = Reducer.reduce(&s, .key(.enter))   // type a value for the selected knob
        #expect(s.input == "" && s.interaction == .typing(""))
        _ = Reducer.reduce(&s, .key(.char("q")))
        #expect(!s.confirmQuit && !s.quitting && s.input != nil, "q while typing is not quit")
        _ = Reducer.reduce(&s, .key(.escape))
        _ = Reducer.reduce(&s, .key(.char("q")))
        #expect(s.interaction == .confirmingQuit && s.input == nil && !s.showHelp)
        _ = Reducer.reduce(&s, .key(.char("n")))
        #expect(s.interaction == .normal && !s.quitting)
    }

    @Test func clickFocusesThePanelUnderIt() {
        var s = state()
        let body = Rect(x: 0, y: 1, width: 120, height: 38)
        for (panel, r) in Screen.layout(body) {
            _ = Reducer.reduce(&s, .mouse(MouseEvent(x: r.x + r.width / 2, y: r.y + r.height / 2, kind: .press)))
            #expect(s.focus == panel)
        }
    }

    @Test func wheelScrollsTheLogAndZoomsTime() {
        var s = state()
        let log = Screen.layout(Rect(x: 0, y: 1, width: 120, height: 38)).first { $0.0 == .log }!.1
        _ = Reducer.reduce(&s, .mouse(MouseEvent(x: log.x + 2, y: log.y + 2, kind: .wheelUp)))
        #expect(s.logScroll == 3)
        let loss = Screen.layout(Rect(x: 0, y: 1, width: 120, height: 38)).first { $0.0 == .loss }!.1
        _ = Reducer.reduce(&s, .mouse(MouseEvent(x: loss.x + 5, y: loss.y + 5, kind: .wheelUp)))
        _ = Reducer.reduce(&s, .mouse(MouseEvent(x: loss.x + 5, y: loss.y + 5, kind: .wheelUp)))
        #expect(s.timeZoom == 2 && Screen.timeWindow(s) == 150.25...200)
        // The loss chart's x axis now starts at the window.
        #expect(Screen.render(s).lines[loss.maxY - 2].contains("150"))
        _ = Reducer.reduce(&s, .key(.char("-"))); _ = Reducer.reduce(&s, .key(.char("-")))
        #expect(s.timeZoom == 0 && Screen.timeWindow(s) == nil)
    }

    @Test func logScrollsAndFilters() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("8")))
        _ = Reducer.reduce(&s, .key(.up))
        #expect(s.logScroll == 1 && s.selectedKnob == .lr)   // ↑ scrolls the focused log, not the knobs
        _ = Reducer.reduce(&s, .key(.char("/")))
        for c in "eval" { _ = Reducer.reduce(&s, .key(.char(c))) }
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.logFilter == "eval" && Screen.logLines(s).allSatisfy { $0.text.contains("eval") })
        let text = Screen.render(s).lines.joined(separator: "\n")
        #expect(text.contains("/eval 5/"))
        // `/` again starts a new filter (it used to append to "eval").
        _ = Reducer.reduce(&s, .key(.char("/")))
        #expect(s.filterInput == "" && s.logFilter.isEmpty)
        for c in "run" { _ = Reducer.reduce(&s, .key(.char(c))) }
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.logFilter == "run")
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(s.logFilter.isEmpty)
    }

    @Test func selectingADimensionAsksForItsTraversal() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("4")))
        let effects = Reducer.reduce(&s, .key(.down))
        #expect(s.selectedDimension == 1 && s.imagesPage == .traversal)
        #expect(effects == [.command(.traverse(dimension: 1))])
        // Sorted by KL, ↓ follows the sorted order.
        _ = Reducer.reduce(&s, .key(.char("s")))
        let order = s.dimensionOrder
        _ = Reducer.reduce(&s, .key(.down))
        #expect(s.selectedDimension == order[order.firstIndex(of: 1)! + 1])
        // A replay cannot ask a trainer: it shows what was recorded.
        var r = state(.replay)
        _ = Reducer.reduce(&r, .key(.char("4")))
        #expect(Reducer.reduce(&r, .key(.down)).isEmpty)
    }

    @Test func traversalIsDrawnFromItsRecord() {
        var s = state()
        let digit = [UInt8](repeating: 200, count: 784)
        let t = ImageTraversal(dimension: 3, values: ImageTraversal.standardValues, test: Array(repeating: digit, count: 7),
                               prior: Array(repeating: digit, count: 7))
        _ = Reducer.reduce(&s, .events([.images(ImageRecord(step: 200, rows: 28, cols: 28, originals: [], reconstructions: [], samples: [], traversal: t))]))
        #expect(s.run.images!.reconstructions.count == 8)   // a traversal-only record keeps the reconstructions
        s.imagesPage = .traversal
        let text = Screen.render(s).lines.joined(separator: "\n")
        #expect(text.contains("z03") && text.contains("swept") && text.contains("-3") && text.contains("prior"))
    }

    @Test func functionKeysAndKeysThatDoNothing() {
        var s = state(.replay)
        _ = Reducer.reduce(&s, .key(.function(1)))
        #expect(s.showHelp)
        _ = Reducer.reduce(&s, .key(.escape))
        _ = Reducer.reduce(&s, .key(.char("Q")))
        #expect(s.flash?.text.contains("does nothing here") == true)
        _ = Reducer.reduce(&s, .key(.char("7")))
        _ = Reducer.reduce(&s, .key(.char("l")))
        #expect(s.flash?.text.contains("no log scale") == true)
        #expect(Reducer.reduce(&s, .key(.function(10))) == [.quit])
    }

    @Test func quickPressesAddUpAndNoOpsAreSaid() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("7")))
        // Two → before the trainer answers: the second steps from the first, not from the value on screen.
        let first = Reducer.reduce(&s, .key(.right)), second = Reducer.reduce(&s, .key(.right))
        guard case .command(.set(.lr, let a))? = first.first, case .command(.set(.lr, let b))? = second.first else {
            Issue.record("no set commands"); return
        }
        #expect(abs(b - a * 1.25) < 1e-12)
        // The trainer says a set changed nothing: flashed, and the pending values are dropped.
        _ = Reducer.reduce(&s, .events([.outcome(CommandOutcome(step: 200, id: nil, command: "set", parameter: "lr", outcome: .applied, reason: "lr is already 0.01: nothing changed"))]))
        #expect(s.flash?.text.contains("nothing changed") == true && s.pending.isEmpty)
        #expect(s.run.log.last?.text == "set lr: lr is already 0.01: nothing changed", "\(s.run.log.last?.text ?? "")")
        // After the run has ended, every steering key says so and the hint bar stops offering them.
        _ = Reducer.reduce(&s, .events([.end(RunSummary(step: 200, epoch: 5, reason: .finished, testLoss: nil, activeUnits: nil, samplesPerSecond: 1, seconds: 1))]))
        _ = Reducer.reduce(&s, .key(.char("e")))
        #expect(s.flash?.text.contains("the run has ended") == true)
        let hints = Screen.render(s).lines.last!
        #expect(!hints.contains("pause") && !hints.contains("ckpt") && hints.contains("q quit"))
    }

    /// Another program's log names what it logged: the rest reads "not logged", never a default dressed as a value.
    @Test func notLoggedInsteadOfDefaults() {
        var s = AppState(mode: .replay, width: 160, height: 48)
        var h = SyntheticRun.header(latent: 4)
        h.logged = ["loss", "recon", "kl", "klDims", "lr", "gradNorm", "eval.loss"]
        var events: [RunEvent] = [.header(h)]
        for step in 1...20 { events.append(.step(SyntheticRun.step(step, latent: 4))) }
        events.append(.eval(SyntheticRun.eval(20, latent: 4)))
        _ = Reducer.reduce(&s, .events(events))
        let lines = Screen.render(s).lines, text = lines.joined(separator: "\n")
        #expect(!lines[0].contains(" ep ") && !lines[0].contains("epoch") && !lines[0].contains("img/s") && !lines[0].contains("elapsed"), "\(lines[0])")
        #expect(lines[0].contains("β –") && lines[0].contains("λ –") && lines[0].contains("lr "))
        #expect(text.contains("not logged") && !text.contains("AU "))
        #expect(lines[0].contains("(batch KL<0.01)") || lines[0].contains("KL<0.01"))   // no test KL logged: the batch's
        // vaetop's own runs (no list) show everything.
        #expect(SyntheticRun.header().logs("beta"))
    }

    @Test func zoomSaysHowToLeave() {
        var s = state()
        _ = Reducer.reduce(&s, .key(.char("z")))
        #expect(Screen.render(s).lines[1].contains("z or esc: back"))
    }

    @Test func totalsFollowALiveBatchSizeChange() {
        var s = AppState(mode: .live, width: 120, height: 40)
        // 4,500 images, 10 epochs at 128: 36 steps an epoch, 360 planned.
        var events: [RunEvent] = [.header(SyntheticRun.header(latent: 4, epochs: 10, stepsPerEpoch: 36))]
        for step in 1...36 { var m = SyntheticRun.step(step, latent: 4); m.epoch = 1; m.batchSize = step == 36 ? 4500 - 35 * 128 : 128; events.append(.step(m)) }
        _ = Reducer.reduce(&s, .events(events))
        #expect(s.run.expectedSteps == 360)
        _ = Reducer.reduce(&s, .events([.change(ParameterChange(step: 36, parameter: .batchSize, old: 128, new: 256, source: "keyboard"))]))
        // The 9 epochs left take 18 steps each at 256.
        #expect(s.run.expectedSteps == 36 + 9 * 18)
        #expect(Screen.render(s).lines[0].contains("/198"))
    }
}
