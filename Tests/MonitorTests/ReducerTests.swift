import Foundation
import Runs
import TerminalUI
import Testing
@testable import EventSources
@testable import Monitor

@Suite struct ReducerTests {
    func live(steps: Int = 50) -> AppState {
        var s = AppState(mode: .live, width: 120, height: 40, themeNames: ["default", "light"])
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: steps)))
        return s
    }

    @Test func spacePausesAndResumes() {
        var s = live()
        #expect(Reducer.reduce(&s, .key(.char(" "))) == [.command(.pause)])
        _ = Reducer.reduce(&s, .events([.state(StateChange(step: 50, state: .paused, reason: "keyboard"))]))
        #expect(s.run.state == .paused)
        #expect(Reducer.reduce(&s, .key(.char(" "))) == [.command(.resume)])
    }

    @Test func arrowsChangeTheSelectedHyperparameter() {
        var s = live()
        let lr = s.run.current[.lr]!
        guard case .command(.set(.lr, let v))? = Reducer.reduce(&s, .key(.right)).first else { Issue.record("no set"); return }
        #expect(abs(v - lr * 1.25) < 1e-15)
        _ = Reducer.reduce(&s, .key(.down)); _ = Reducer.reduce(&s, .key(.down)); _ = Reducer.reduce(&s, .key(.down))
        #expect(s.selectedKnob == .freeBits)
        #expect(Reducer.reduce(&s, .key(.right)) == [.command(.set(.freeBits, 0.05))])
        #expect(Reducer.reduce(&s, .key(.left)) == [.command(.set(.freeBits, 0))])
        _ = Reducer.reduce(&s, .key(.up)); _ = Reducer.reduce(&s, .key(.up)); _ = Reducer.reduce(&s, .key(.up)); _ = Reducer.reduce(&s, .key(.up))
        #expect(s.selectedKnob == .batchSize)
        #expect(Reducer.reduce(&s, .key(.right)) == [.command(.set(.batchSize, 256))])
    }

    @Test func typedValuesAreValidatedBeforeSending() {
        var s = live()
        _ = Reducer.reduce(&s, .key(.down)); _ = Reducer.reduce(&s, .key(.down)); _ = Reducer.reduce(&s, .key(.down))
        _ = Reducer.reduce(&s, .key(.enter))
        #expect(s.input == "")
        for c in "0.3" { _ = Reducer.reduce(&s, .key(.char(c))) }
        #expect(Reducer.reduce(&s, .key(.enter)) == [.command(.set(.freeBits, 0.3))])
        #expect(s.input == nil)
        _ = Reducer.reduce(&s, .key(.enter))
        for c in "-1" { _ = Reducer.reduce(&s, .key(.char(c))) }
        #expect(Reducer.reduce(&s, .key(.enter)).isEmpty)
        #expect(s.flash!.text.contains("free bits") && s.flash!.text.contains("nothing changed"))
        _ = Reducer.reduce(&s, .key(.enter))
        for c in "1e" { _ = Reducer.reduce(&s, .key(.char(c))) }
        _ = Reducer.reduce(&s, .key(.backspace)); _ = Reducer.reduce(&s, .key(.backspace)); _ = Reducer.reduce(&s, .key(.char("x")))
        #expect(s.input == "")                       // letters other than e are not accepted
        _ = Reducer.reduce(&s, .key(.char("e")))
        #expect(Reducer.reduce(&s, .key(.enter)).isEmpty)
        #expect(s.flash!.text.contains("not a number"))
        _ = Reducer.reduce(&s, .key(.enter)); _ = Reducer.reduce(&s, .key(.escape))
        #expect(s.input == nil)
    }

    @Test func quitAsksWhileTrainingThenStopsAndQuitsAtTheEnd() {
        var s = live()
        #expect(Reducer.reduce(&s, .key(.char("q"))).isEmpty)
        #expect(s.confirmQuit)
        #expect(Reducer.reduce(&s, .key(.char("n"))).isEmpty)
        #expect(!s.confirmQuit && !s.quitting)
        _ = Reducer.reduce(&s, .key(.char("q")))
        #expect(Reducer.reduce(&s, .key(.char("y"))) == [.command(.stop)])
        #expect(!s.quitting)
        let end = RunSummary(step: 50, epoch: 2, reason: .stopped, testLoss: 100, activeUnits: 20, samplesPerSecond: 1, seconds: 1)
        #expect(Reducer.reduce(&s, .events([.end(end)])) == [.quit])
        #expect(s.quitting)
    }

    @Test func interruptStopsOnceThenQuitsWhenEnded() {
        var s = live()
        #expect(Reducer.reduce(&s, .interrupt) == [.command(.stop)])
        #expect(Reducer.reduce(&s, .interrupt).isEmpty)
        var done = live()
        _ = Reducer.reduce(&done, .events([.end(RunSummary(step: 50, epoch: 2, reason: .finished, testLoss: 1, activeUnits: 1, samplesPerSecond: 1, seconds: 1))]))
        #expect(Reducer.reduce(&done, .key(.char("q"))) == [.quit])
    }

    @Test func focusZoomLogSmoothingTheme() {
        var s = live()
        _ = Reducer.reduce(&s, .key(.tab))
        #expect(s.focus == .beta)
        _ = Reducer.reduce(&s, .key(.char("4")))
        #expect(s.focus == .kl)
        _ = Reducer.reduce(&s, .key(.char("l")))
        #expect(!s.logScale.contains(.kl))
        _ = Reducer.reduce(&s, .key(.char("z")))
        #expect(s.zoomed)
        _ = Reducer.reduce(&s, .key(.escape))
        #expect(!s.zoomed)
        _ = Reducer.reduce(&s, .key(.char("m")))
        #expect(!s.smoothing)
        #expect(Reducer.reduce(&s, .key(.char("t"))) == [.loadTheme("light")])
        _ = Reducer.reduce(&s, .themeLoaded(.builtin, problem: "x.theme:3: bad"))
        #expect(s.flash!.color == .alert)
        _ = Reducer.reduce(&s, .key(.char("?")))
        #expect(s.showHelp)
        _ = Reducer.reduce(&s, .key(.char("?")))
        #expect(!s.showHelp)
    }

    @Test func replayKeysDriveTheTransportAndNeverTheTrainer() {
        var s = AppState(mode: .replay, width: 120, height: 40)
        #expect(Reducer.reduce(&s, .key(.char(" "))) == [.replay(.togglePlay)])
        #expect(Reducer.reduce(&s, .key(.char(">"))) == [.replay(.faster)])
        #expect(Reducer.reduce(&s, .key(.char("<"))) == [.replay(.slower)])
        #expect(Reducer.reduce(&s, .key(.left)) == [.replay(.back)])
        #expect(Reducer.reduce(&s, .key(.end)) == [.replay(.end)])
        #expect(Reducer.reduce(&s, .key(.enter)).isEmpty)
        #expect(Reducer.reduce(&s, .key(.char("q"))) == [.quit])
    }
}

@Suite struct RunViewTests {
    @Test func accumulatesSeriesMarkersAndCurrentValues() {
        var v = RunView()
        for e in SyntheticRun.events(steps: 200) { v.apply(e) }
        let layers = v.columns.vectors[StepMetrics.index(of: "layerGradNorms")!]
        #expect(v.steps.count == 200 && v.klDims.count == 200 && layers.count == 200 && layers[0].count == 5)
        #expect(v.evalSteps == [40, 80, 120, 160, 200])
        #expect(v.changes.map(\.step) == [100, 150])
        #expect(v.current[.lr] == SyntheticRun.step(200).lr)
        #expect(v.clipNorm == 50)
        #expect(v.log.contains { $0.text.contains("collapsed") && $0.color == .warn })
    }

    @Test func resumeDropsTheAbandonedContinuation() {
        var v = RunView()
        for e in SyntheticRun.events(steps: 120) { v.apply(e) }
        v.apply(.end(RunSummary(step: 120, epoch: 3, reason: .interrupted, testLoss: 1, activeUnits: 1, samplesPerSecond: 1, seconds: 1)))
        v.apply(.state(StateChange(step: 90, state: .running, reason: "resumed")))
        #expect(v.steps.last == 90 && v.evalSteps == [40, 80] && v.changes.isEmpty)
        #expect(v.end == nil && v.state == .running)
        v.apply(.step(SyntheticRun.step(91)))
        #expect(v.steps.suffix(2) == [90, 91])
    }

    @Test func laterImageRecordsKeepTheOriginals() {
        var v = RunView()
        v.apply(.images(SyntheticRun.images(1)))
        var later = SyntheticRun.images(2); later.originals = []
        v.apply(.images(later))
        #expect(v.images!.originals.count == 8 && v.images!.step == 2)
    }
}

@Suite struct ReplaySourceTests {
    @Test func deliversHeaderFirstThenByClockAndSeeks() {
        let events = SyntheticRun.events(steps: 100)
        let r = ReplaySource(events: events)
        guard case .events(let first) = r.poll(now: 0) else { Issue.record("nothing"); return }
        #expect(first.count == 2)                             // header + state, before the first step
        // 100 steps play at 10 steps/s (the slowest default): ten wall seconds cover everything.
        guard case .events(let rest) = r.poll(now: 10) else { Issue.record("nothing"); return }
        #expect(first.count + rest.count == events.count)
        #expect(r.status!.position == 100)
        r.control(.back, now: 10)
        guard case .reset(let again) = r.poll(now: 10) else { Issue.record("no reset"); return }
        #expect(again.count < events.count && again.first == events.first)
        r.control(.start, now: 10)
        r.control(.togglePlay, now: 10)
        guard case .reset = r.poll(now: 10) else { Issue.record("no reset"); return }
        if case .events = r.poll(now: 15) { Issue.record("paused replay delivered events") }
        r.control(.end, now: 15)
        guard case .events = r.poll(now: 15) else { Issue.record("end delivered nothing"); return }
        #expect(r.status!.position == 100)
    }

    @Test func defaultSpeedPlaysAnyRunInAboutAMinute() {
        func speed(_ steps: Int) -> Double { ReplaySource.speeds[ReplaySource.defaultSpeedIndex(steps: steps)] }
        #expect(speed(360) == 10 && speed(2160) == 50 && speed(100_000) == 2000)
        #expect(speed(10_000_000).isInfinite)
        #expect(ReplaySource(events: SyntheticRun.events(steps: 2160)).status!.speed == "50 steps/s")
    }

    @Test func playsStepsPerSecond() {
        let r = ReplaySource(events: SyntheticRun.events(steps: 400))   // default 10 steps/s
        r.control(.faster, now: 0)                                      // 20 steps/s
        _ = r.poll(now: 0)
        _ = r.poll(now: 0.001)
        guard case .events(let e) = r.poll(now: 0.501) else { Issue.record("nothing"); return }
        let steps = e.compactMap { if case .step(let m) = $0 { m.step } else { nil } }
        #expect(steps.count == 10 && r.status!.speed == "20 steps/s")   // half a second at 20 steps/s
        r.control(.slower, now: 1); r.control(.slower, now: 1)          // 5 steps/s: slow enough to read each step
        _ = r.poll(now: 1)
        guard case .events(let slow) = r.poll(now: 1.25) else { Issue.record("nothing"); return }
        #expect(slow.filter { if case .step = $0 { true } else { false } }.count == 1)
    }
}

@Suite struct RangeTestScreenTests {
    func record(finished: Bool, bounds: Bool = true) -> RunEvent {
        let lrs = (0..<30).map { pow(10, -6 + Double($0) / 5) }
        let losses = (0..<30).map { 100 - Double(min($0, 20)) * 3 + ($0 > 25 ? 500 : 0) }
        return .rangeTest(RangeTestRecord(step: 0, mode: "exponential", start: 1e-6, end: 1, steps: 30, lrs: lrs, losses: losses,
                                          smoothed: losses, finished: finished, diverged: finished,
                                          steepest: finished ? 1e-4 : nil, valley: finished ? 3e-5 : nil, minimumOverTen: finished ? 1e-3 : nil,
                                          cyclicBase: finished && bounds ? 1e-5 : nil, cyclicMax: finished && bounds ? 1e-2 : nil))
    }

    @Test func applyKeysWaitForTheResult() {
        var s = AppState(mode: .rangeTest, width: 120, height: 40)
        #expect(s.logScale.contains(.loss))
        _ = Reducer.reduce(&s, .events([record(finished: false)]))
        #expect(Reducer.reduce(&s, .key(.char("o"))).isEmpty && s.flash!.text.contains("still running"))
        _ = Reducer.reduce(&s, .events([record(finished: true, bounds: false)]))
        #expect(Reducer.reduce(&s, .key(.char("y"))).isEmpty && s.flash!.text.contains("no bounds"))
        _ = Reducer.reduce(&s, .events([record(finished: true)]))
        #expect(Reducer.reduce(&s, .key(.char("o"))) == [.choose(.onecycle)])
        #expect(Reducer.reduce(&s, .key(.char("y"))) == [.choose(.cyclic)])
        #expect(s.run.log.contains { $0.text.hasPrefix("lr range test: steepest") })
    }

    @Test func screenShowsCurveMarkersAndSuggestions() {
        var s = AppState(mode: .rangeTest, width: 120, height: 40)
        _ = Reducer.reduce(&s, .events([record(finished: true)]))
        let text = Screen.render(s).lines.joined(separator: "\n")
        #expect(text.contains("LR range test") && text.contains("1.00e-04") && text.contains("1.00e-02"))
        #expect(text.contains("┊") && text.contains("1e-06") && text.contains("1e+00"))
        // Finished: the badge says so and the hint line gives the bounds o and y would train between.
        #expect(text.contains("o one-cycle 1.0e-05…1.0e-02") && text.contains("finished"))
        // Only o and y are given bounds; the other keys keep their words (each once said "cyclic 1.0e-05…").
        let hint = Screen.render(s).lines[39]
        #expect(hint.contains("y cyclic 1.0e-05…1.0e-02") && hint.contains("q quit"), "\(hint)")
        #expect(hint.components(separatedBy: "cyclic").count == 2, "y alone says cyclic: \(hint)")
    }
}

/// What one record may bring to the screen is bounded: a 50 MB alert once stalled the screen for minutes.
@Suite struct ScreenTextBoundTests {
    @Test func longTextIsCutWithAnEllipsisWhenItComesIn() {
        var s = AppState(mode: .live, width: 120, height: 40, themeNames: ["default"])
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: 5)))
        let huge = String(repeating: "é", count: 3_000_000)
        let start = Date()
        _ = Reducer.reduce(&s, .events([.alert(Alert(step: 5, level: .warning, message: huge)),
                                         .state(StateChange(step: 5, state: .paused, reason: huge)),
                                         .change(ParameterChange(step: 5, parameter: .lr, old: 1e-3, new: 2e-3, source: huge))]))
        let lines = s.run.log.suffix(3).map(\.text)
        #expect(lines.count == 3)
        for line in lines {
            #expect(line.count < RunEvent.screenTextLimit + 60, "a line of \(line.count) characters")
            #expect(line.contains("…"))
        }
        #expect(lines[0].hasPrefix("ééé") && lines[0].count == RunEvent.screenTextLimit)
        _ = Screen.render(s)
        #expect(Date().timeIntervalSince(start) < 5)
        // Short text is untouched, and a step record is never copied.
        #expect(RunEvent.alert(Alert(step: 1, level: .info, message: "short")).cutForScreen() == nil)
        #expect(SyntheticRun.events(steps: 3).allSatisfy { $0.cutForScreen() == nil })
    }
}
