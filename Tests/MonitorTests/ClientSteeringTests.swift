import Foundation
import Runs
import TerminalUI
import Testing
@testable import Monitor

/// Steering a training loop in another process (the Python client): keys it cannot honour are not sent, a sent
/// change shows as pending until the run answers, and every answer (applied, refused, unsupported) is said.
@Suite struct ClientSteeringTests {
    /// A watched run whose client declared pause, resume, stop and lr only.
    func state() -> AppState {
        var s = AppState(mode: .follow, width: 120, height: 40)
        var events = SyntheticRun.events(steps: 200)
        if case .header(var h) = events[0] { h.capabilities = ["pause", "resume", "stop", "lr"]; events[0] = .header(h) }
        _ = Reducer.reduce(&s, .events(events))
        return s
    }

    /// Knobs start at the loop's values (the header's `values`): clip 5 and weight decay 1e-4, not vaetop's "off"
    /// and 0; → steps from the real value; a knob the loop never said shows "–" and sends nothing.
    @Test func knobsStartAtTheLoopsValues() {
        var s = AppState(mode: .follow, width: 120, height: 40)
        var events = SyntheticRun.events(steps: 20)
        if case .header(var h) = events[0] {
            h.capabilities = ["pause", "lr", "clip_norm", "weight_decay", "clip_value"]
            h.values = ["lr": 3e-4, "clip_norm": 5, "weight_decay": 1e-4, "beta": nil]
            events[0] = .header(h)
        }
        _ = Reducer.reduce(&s, .events(events))
        #expect(s.run.current[.clipNorm] == 5 && s.run.current[.weightDecay] == 1e-4)
        let panel = Screen.render(s).lines.joined(separator: "\n")
        #expect(panel.contains("clip norm          5") || panel.contains("clip norm") && panel.contains(" 5│"), "\(panel)")
        s.selectedKnob = Knob.available(gan: false).first { $0.parameter == .clipNorm }!
        #expect(Reducer.reduce(&s, .key(.right)) == [.command(.set(.clipNorm, 6.25))])
        #expect(s.run.unknownKnobs.contains(.clipValue) && s.run.unknownKnobs.contains(.batchSize) && !s.run.unknownKnobs.contains(.beta))
        if let knob = Knob.available(gan: false).first(where: { $0.parameter == .clipValue }) {
            s.selectedKnob = knob
            s.pending = [:]
            #expect(Reducer.reduce(&s, .key(.right)).isEmpty && s.flash?.text == "clip value: the loop has not said its value; nothing sent")
        }
        // A change record makes the value known.
        _ = Reducer.reduce(&s, .events([.change(ParameterChange(step: 20, parameter: .clipValue, old: nil, new: 2, source: "client"))]))
        #expect(!s.run.unknownKnobs.contains(.clipValue) && s.run.current[.clipValue] == 2)
    }

    /// A writer found gone: the status says so (never "running"), what waited for an answer is dropped and said,
    /// and no key sends anything; a silent one is said in the status line.
    @Test func aGoneWriterNeverLooksAlive() {
        var s = state()
        #expect(Reducer.reduce(&s, .key(.right)).count == 1)
        #expect(!s.pending.isEmpty)
        _ = Reducer.reduce(&s, .liveness(.silent(seconds: 42, lastStep: 200)))
        #expect(Screen.render(s).lines[0].contains("● silent for 42 s (last step 200)"))
        _ = Reducer.reduce(&s, .liveness(.gone(pid: 4242, lastStep: 200)))
        let top = Screen.render(s).lines[0]
        #expect(top.contains("● ended without an end record (process 4242 gone)") && !top.contains("running") && !top.contains("following"), "\(top)")
        #expect(s.pending.isEmpty && s.run.log.last?.text == "ended without an end record (process 4242 gone); the commands waiting for an answer were dropped")
        #expect(Reducer.reduce(&s, .key(.char(" "))).isEmpty && s.flash?.text.contains("process is gone") == true)
        s.flash = nil
        let hints = Screen.render(s).lines.last ?? ""
        #expect(!hints.contains("pause") && !hints.contains("adjust") && hints.contains("q quit"), "\(hints)")
        // At 80 columns, short words.
        s.width = 80
        #expect(Screen.render(s).lines[0].contains("gone, no end record"))
        // An end record after all: nothing to say.
        _ = Reducer.reduce(&s, .events([.end(RunSummary(step: 200, epoch: 1, reason: .finished, testLoss: nil, activeUnits: nil, samplesPerSecond: 0, seconds: 0))]))
        _ = Reducer.reduce(&s, .liveness(nil))
        #expect(s.liveness == nil)
    }

    @Test func keysTheLoopCannotHonourAreNotSent() {
        var s = state()
        #expect(Reducer.reduce(&s, .key(.char("c"))).isEmpty)
        #expect(s.flash?.text.contains("checkpoint: not offered by this run's loop; nothing sent") == true)
        #expect(Reducer.reduce(&s, .key(.char("u"))).isEmpty)
        #expect(s.flash?.text == "undo: not offered by this run's loop; nothing sent")
        s.selectedKnob = Knob.available(gan: false).first { $0.parameter == .batchSize }!
        #expect(Reducer.reduce(&s, .key(.right)).isEmpty)
        #expect(s.flash?.text == "batch size: not offered by this run's loop; nothing sent")
        // What it declared is sent.
        #expect(Reducer.reduce(&s, .key(.char(" "))) == [.command(.pause)])
        // The hint bar offers only what the loop can do.
        let hints = Screen.render(s).lines.last!
        #expect(hints.contains("pause") && !hints.contains("ckpt") && !hints.contains("undo"))
    }

    /// vaetop's own trainer reads no command file: watching its run file offers no steering, while its own screen
    /// (live) steers it as always.
    @Test func vaetopsOwnRunTakesNoCommandsFromAWatcher() {
        for mode in [AppState.Mode.follow, .live] {
            var s = AppState(mode: mode, width: 120, height: 40)
            var events = SyntheticRun.events(steps: 200)
            if case .header(var h) = events[0] { h.capabilities = []; events[0] = .header(h) }
            _ = Reducer.reduce(&s, .events(events))
            let effects = Reducer.reduce(&s, .key(.char(" ")))
            if mode == .live { #expect(effects == [.command(.pause)]) } else {
                #expect(effects.isEmpty && s.flash?.text.contains("pause: this run takes no commands from a watcher; nothing sent") == true)
            }
        }
    }

    /// The terminal's bottom-right cell is never drawn (it scrolls some terminals): no hint may end there, whatever
    /// the flash before the hints ("q quit" was drawn as "q qui" at 80 columns).
    @Test func hintsEndBeforeTheBottomRightCell() {
        for width in 70...130 {
            var s = state()
            s.width = width
            _ = Reducer.reduce(&s, .key(.char("u")))
            let last = Screen.render(s).lines.last!
            #expect(last.count < width || last.last == " ", "\(width): \(last)")
        }
    }

    /// Before the first evaluation, the images panel's "waiting" line stays inside its border at 80×24.
    @Test func waitingForImagesStaysInsideThePanel() {
        var s = AppState(mode: .follow, width: 80, height: 24)
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: 50).filter { if case .images = $0 { false } else if case .eval = $0 { false } else { true } }))
        let lines = Screen.render(s).lines
        for line in lines[1..<(lines.count - 1)] { #expect(["│", "╮", "╯", "┤"].contains(line.last.map(String.init) ?? ""), "\(line)") }
    }

    @Test func aChangeIsPendingUntilTheRunAnswers() {
        var s = state()
        s.selectedKnob = Knob.available(gan: false).first { $0.parameter == .lr }!
        guard case .command(.set(.lr, let v))? = Reducer.reduce(&s, .key(.right)).first else { Issue.record("no lr command"); return }
        #expect(s.pending[.lr] == v)
        #expect(Screen.render(s).lines.joined().contains("→ \(fmt(v))…"))
        // Refused: the knob shows the run's value again and the reason is said, in the flash and the event log.
        _ = Reducer.reduce(&s, .events([.outcome(CommandOutcome(step: 200, id: 4, command: "set", parameter: "lr", outcome: .refused,
                                                                reason: "lr = 50 is out of range"))]))
        #expect(s.pending[.lr] == nil && s.flash?.text == "set lr refused: lr = 50 is out of range")
        #expect(s.run.log.last?.text == "set lr refused: lr = 50 is out of range")
        // Applied: the change record, then the outcome naming the first step trained with it.
        _ = Reducer.reduce(&s, .key(.right))
        _ = Reducer.reduce(&s, .events([.change(ParameterChange(step: 200, parameter: .lr, old: 0.001, new: v, source: "client")),
                                        .outcome(CommandOutcome(step: 200, id: 5, command: "set", parameter: "lr", outcome: .applied, from: 201))]))
        #expect(s.pending[.lr] == nil && s.run.current[.lr] == v)
        #expect(s.run.log.last?.text == "set lr applied from step 201")
        _ = Reducer.reduce(&s, .events([.outcome(CommandOutcome(step: 201, id: 6, command: "checkpoint", outcome: .unsupported,
                                                                reason: "this loop registered no checkpoint handler"))]))
        #expect(s.run.log.last?.text == "checkpoint unsupported: this loop registered no checkpoint handler")
        // "evaluation asked" is replaced by the answer once it comes.
        s.flash = ("evaluation asked; the run answers at its next step", .inactiveFg)
        _ = Reducer.reduce(&s, .events([.outcome(CommandOutcome(step: 202, id: 7, command: "evaluate", outcome: .applied, from: 203))]))
        #expect(s.flash?.text == "evaluate applied from step 203")
    }

    /// A torch scheduler's plan (the client steps a copy of it): the lr chart's dimmed future follows it, scaled to
    /// the lr in force.
    @Test func aPlanRecordGivesTheLRChartItsFuture() throws {
        var s = state()
        let planned = s.run.plannedSteps
        let lr = (1...planned).map { 0.01 * (1 + cos(Double.pi * Double($0) / Double(planned))) / 2 + 1e-5 }
        _ = Reducer.reduce(&s, .events([.plan(PlanRecord(step: 200, lr: lr))]))
        #expect(s.plan?.lr == lr)
        let now = try #require(s.run.current[.lr])
        let future = try #require(Screen.future(s.plan?.lr, from: 200, now: now, planned: planned))
        #expect(future.xs.first == 200 && future.xs[1] == 201 && abs(future.ys.last! - lr[planned - 1] * now / lr[199]) < 1e-12)
        #expect(try RunFileCodec.decode(Substring(RunFileCodec.encode(.plan(PlanRecord(step: 3, lr: [0.1, 0.2]))))) == .plan(PlanRecord(step: 3, lr: [0.1, 0.2])))
        #expect(RunEvent.plan(PlanRecord(step: 3, lr: [.nan])).problem() != nil)
    }

    /// A loop that logs on but never answers (an old client, a folder synced one way) is said to read no commands,
    /// and the knob shows the run's value again.
    @Test func aChangeWithNoAnswerIsSaidToBeUnanswered() {
        var s = state()
        s.selectedKnob = Knob.available(gan: false).first { $0.parameter == .lr }!
        _ = Reducer.reduce(&s, .key(.right))
        _ = Reducer.reduce(&s, .events((201...299).map { .step(SyntheticRun.step($0)) }))
        #expect(s.pending[.lr] != nil)
        _ = Reducer.reduce(&s, .events([.step(SyntheticRun.step(300))]))
        #expect(s.pending.isEmpty && s.flash?.text == "no answer in 100 steps: this run's loop does not read commands")
    }

    @Test func outcomesRoundTripThroughTheRunFile() throws {
        let o = RunEvent.outcome(CommandOutcome(step: 7, id: nil, command: nil, outcome: .refused, reason: "not valid JSON"))
        #expect(try RunFileCodec.decode(Substring(RunFileCodec.encode(o))) == o)
        #expect(RunEvent.outcome(CommandOutcome(step: 7, id: 1, command: "pause", outcome: .unsupported)).problem() != nil)
        var h = SyntheticRun.header()
        #expect(h.can("checkpoint"))
        h.capabilities = ["lr"]
        #expect(!h.can("checkpoint") && h.can("lr"))
    }
}
