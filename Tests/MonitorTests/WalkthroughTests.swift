import Foundation
import Runs
import Testing
import TerminalUI
@testable import Monitor

/// The walkthrough's findings, each as the behaviour a user sees.
@Suite struct WalkthroughTests {
    static func eval(_ step: Int, kl: [Float]) -> RunEvent {
        let collapsed = kl.indices.filter { kl[$0] < 0.01 }
        return .eval(EvalMetrics(step: step, epoch: 1, loss: 100, recon: 90, kl: kl.reduce(0, +), klDims: kl, meanVariance: kl,
                                 activeUnits: kl.count - collapsed.count, collapsed: collapsed, images: 10))
    }

    /// A dimension is reported revived only after it was reported collapsed, and only once its KL is twice the
    /// threshold (one hovering at 0.010–0.017 does not flip back and forth).
    @Test func revivalOnlyOfReportedCollapsesWithHysteresis() {
        var v = RunView()
        v.apply(.header(SyntheticRun.header(latent: 3)))
        v.apply(Self.eval(36, kl: [0.001, 0.5, 0.5]))    // z00 collapsed at the first evaluation: not reported
        v.apply(Self.eval(72, kl: [0.5, 0.5, 0.5]))      // so not revived either
        #expect(!v.log.contains { $0.text.contains("revived") })
        v.apply(.alert(Alert(step: 108, level: .warning, message: "z01 collapsed", collapsed: [1])))
        v.apply(Self.eval(108, kl: [0.5, 0.005, 0.5]))
        v.apply(Self.eval(144, kl: [0.5, 0.015, 0.5]))   // above the threshold, below twice it: silent
        #expect(!v.log.contains { $0.text.contains("revived") })
        v.apply(Self.eval(180, kl: [0.5, 0.004, 0.5]))   // under again: no second "collapsed"
        #expect(v.log.filter { $0.text.contains("collapsed") }.count == 1)
        v.apply(Self.eval(216, kl: [0.5, 0.05, 0.5]))
        #expect(v.log.filter { $0.text.contains("z01 revived") }.count == 1)
        // A new collapse the writer did not report is the screen's own line.
        v.apply(Self.eval(252, kl: [0.5, 0.05, 0.002]))
        #expect(v.log.contains { $0.text.hasPrefix("z02 collapsed") })
    }

    @Test func eventsKeepStepOrderButNeverCrossARewind() {
        var v = RunView()
        for e in SyntheticRun.events(steps: 20) { v.apply(e) }
        v.apply(.skipped(SkippedStep(step: 18, epoch: 1, reason: "non-finite loss")))
        v.apply(.alert(Alert(step: 17, level: .error, message: "diverged at step 17")))
        let steps = v.log.map(\.step)
        #expect(steps == steps.sorted(), "\(steps)")
        v.apply(.rewind(RewindRecord(step: 20, to: 10, branch: 1, reason: .rewind, detail: "rewind to step 10")))
        v.apply(.alert(Alert(step: 11, level: .info, message: "after the rewind")))
        #expect(v.log.last?.text == "after the rewind")
    }

    @Test func noETAWhileNotTraining() {
        var s = AppState(mode: .live, width: 160, height: 48, runName: "r")
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: 100)))
        #expect(Screen.render(s).lines[0].contains("ETA"))
        _ = Reducer.reduce(&s, .events([.state(StateChange(step: 100, state: .diverged, reason: "non-finite loss"))]))
        #expect(!Screen.render(s).lines[0].contains("ETA"), Comment(rawValue: Screen.render(s).lines[0]))
    }

    @Test func aMessageLeavesTheStatusAreaWhenItExpires() {
        var s = AppState(mode: .replay, width: 120, height: 40, runName: "r")
        s.flash = ("undo: back to step 40", .marker)
        _ = Reducer.reduce(&s, .flashExpired)
        #expect(s.flash == nil)
        s.flash = ("stopping…", .warn); s.stopping = true
        _ = Reducer.reduce(&s, .flashExpired)
        #expect(s.flash != nil, "a stop in progress keeps saying so")
    }

    @Test func knobsMarkValuesSetByHand() {
        var s = AppState(mode: .live, width: 160, height: 48, runName: "r")
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: 200)))
        let screen = Screen.render(s).lines.joined(separator: "\n")
        // SyntheticRun sets lr at 100 and β at 150 by keyboard.
        let marked = #/│  β +[0-9.]+\*│/#
        #expect(screen.contains(marked) && screen.contains(#/lr +[0-9.]+\*│/#) && screen.contains("* set by hand (x: schedule)"), "\(screen)")
        _ = Reducer.reduce(&s, .events([.change(ParameterChange(step: 201, parameter: .beta, old: 0.25, new: nil, source: "keyboard"))]))
        #expect(!Screen.render(s).lines.joined(separator: "\n").contains(marked))
    }

    @Test func watchingALogThatTakesNoCommandsOffersNoKnobKeys() {
        var s = AppState(mode: .follow, width: 160, height: 48, runName: "tb")
        var h = SyntheticRun.header()
        h.logged = ["loss"]
        _ = Reducer.reduce(&s, .events([.header(h), .step(SyntheticRun.step(1))]))
        let hints = Screen.render(s).lines.last!
        #expect(!hints.contains("adjust") && !hints.contains("type") && !hints.contains("select"), "\(hints)")
        _ = Reducer.reduce(&s, .key(.right))
        #expect(s.flash?.text.contains("takes no commands") == true, "\(String(describing: s.flash))")
    }

    @Test func aTickBesideAFlatLrIsItsValue() {
        var s = AppState(mode: .replay, width: 80, height: 24, runName: "r")
        let events = SyntheticRun.events(steps: 60).map { e -> RunEvent in
            guard case .step(var m) = e else { return e }
            m.lr = 0.001
            return .step(m)
        }
        _ = Reducer.reduce(&s, .events(events))
        let lr = Screen.render(s).lines.filter { $0.contains("┤") }
        #expect(lr.contains { $0.contains("1e-03┤") } && !lr.contains { $0.contains("9.6e-04") })
    }
}
