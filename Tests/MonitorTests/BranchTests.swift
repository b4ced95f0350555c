import Foundation
import Runs
import TerminalUI
import TestSupport
import Testing
@testable import Monitor

/// Undo, the rewind cursor, ghosts of abandoned branches, forks from a replay, and run comparison.
@Suite struct BranchTests {
    /// A live run of 120 steps with snapshots at 0, 40, 80, 120 and an lr change at step 100.
    func live() -> AppState {
        var s = AppState(mode: .live, width: 120, height: 40)
        var events = SyntheticRun.events(steps: 100)
        events.append(.snapshots(SnapshotsRecord(step: 100, points: [0, 40, 80, 100], bytes: 1, budget: 2)))
        events.append(.change(ParameterChange(step: 100, parameter: .lr, old: 0.001, new: 10, source: "keyboard")))
        events += (101...120).map { .step(SyntheticRun.step($0)) }
        _ = Reducer.reduce(&s, .events(events))
        return s
    }

    /// The run after `rewind` records to `to` at step 120 (undo) and, on the new branch, at step 150 (rewind).
    func twoRewinds() -> AppState {
        var s = live()
        var e: [RunEvent] = [.rewind(RewindRecord(step: 120, to: 100, branch: 1, reason: .undo, detail: "undo lr 0.001 → 10 (step 100)")),
                             .change(ParameterChange(step: 100, parameter: .lr, old: 10, new: 0.001, source: "undo"))]
        e += (101...150).map { .step(SyntheticRun.step($0)) }
        e.append(.rewind(RewindRecord(step: 150, to: 80, branch: 2, reason: .rewind, detail: "rewind to step 80")))
        e += (81...130).map { .step(SyntheticRun.step($0)) }
        _ = Reducer.reduce(&s, .events(e))
        return s
    }

    /// A change's tag is never given twice: after a rewind took a change off the live line, the next one gets a new
    /// tag, so the event log and the chart markers still match.
    @Test func changeTagsAreNotReusedAfterARewind() {
        var v = RunView()
        v.apply(.header(SyntheticRun.header()))
        for st in 1...150 { v.apply(.step(SyntheticRun.step(st))) }
        v.apply(.change(ParameterChange(step: 100, parameter: .lr, old: 0.001, new: 0.002, source: "keyboard")))
        v.apply(.change(ParameterChange(step: 140, parameter: .lr, old: 0.002, new: 0.004, source: "keyboard")))
        v.apply(.rewind(RewindRecord(step: 150, to: 120, branch: 1, reason: .rewind, detail: "rewind to step 120")))
        v.apply(.change(ParameterChange(step: 125, parameter: .beta, old: 1, new: 0.5, source: "keyboard")))
        #expect(v.changeTags == ["1", "3"] && v.changes.map(\.step) == [100, 125])
        #expect(v.log.last?.text.hasPrefix("[3] ") == true)
    }

    @Test func undoAsksTheTrainerAndFlashesItsAnswer() {
        var s = live()
        #expect(Reducer.reduce(&s, .key(.char("u"))) == [.command(.undo)])
        _ = Reducer.reduce(&s, .events([.rewind(RewindRecord(step: 120, to: 100, branch: 1, reason: .undo, detail: "undo lr 0.001 → 10 (step 100)"))]))
        #expect(s.flash?.text == "undid lr 0.001 → 10 (step 100): back at step 100, running")
        #expect(s.run.branch == 1 && s.run.ghosts.count == 1 && s.run.steps.last == 100 && s.run.lastStep?.step == 100)
        #expect(s.run.ghosts[0].steps.first == 101 && s.run.ghosts[0].steps.last == 120 && s.run.ghosts[0].changes.isEmpty)
        #expect(s.run.changes.contains { $0.step == 100 }, "the change at the fork step stays a marker")
        // A refusal is flashed too.
        #expect(Reducer.reduce(&s, .key(.char("u"))) == [.command(.undo)])
        _ = Reducer.reduce(&s, .events([.outcome(CommandOutcome(step: 100, id: nil, command: "undo", outcome: .refused, reason: "nothing to undo: no change since the run started"))]))
        #expect(s.flash?.text == "undo refused: nothing to undo: no change since the run started")
    }

    @Test func undoAndRewindNeedSnapshots() {
        var s = AppState(mode: .live, width: 120, height: 40)
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: 20)))
        #expect(Reducer.reduce(&s, .key(.char("u"))).isEmpty && Reducer.reduce(&s, .key(.char("r"))).isEmpty)
        #expect(s.flash?.text.contains("no snapshots") == true && s.rewindStep == nil)
    }

    @Test func theRewindCursorMovesOverSnapshotsAndSendsTheStep() {
        var s = live()
        #expect(Reducer.reduce(&s, .key(.char("r"))) == [.command(.pause)], "the run holds still under the cursor")
        #expect(s.rewindStep == 100)
        _ = Reducer.reduce(&s, .key(.left)); _ = Reducer.reduce(&s, .key(.left))
        #expect(s.rewindStep == 40)
        _ = Reducer.reduce(&s, .key(.home)); #expect(s.rewindStep == 0)
        _ = Reducer.reduce(&s, .key(.right)); #expect(s.rewindStep == 40)
        // While the cursor is up, ← → move it (they do not change the lr), and the hint line says where it is.
        let hint = Screen.render(s).lines[39]
        // Step 40 was evaluated: its test loss; step 100 was not: the train loss of its batch, said as such.
        let evalLoss = s.run.evalLoss[s.run.evalSteps.firstIndex(of: 40)!]
        #expect(hint.contains("rewind to step 40 · test loss \(evalLoss.compact)") && hint.contains("snapshot 2/4") && hint.contains("rewind here"), "\(hint)")
        var at100 = s
        at100.rewindStep = 100
        #expect(Screen.render(at100).lines[39].contains("rewind to step 100 · train loss"))
        var narrow = s
        narrow.width = 80; narrow.height = 24
        let short = Screen.render(narrow).lines[23]
        #expect(short.hasPrefix("step 40 · test ") && short.contains("rewind here") && short.contains("esc cancel") && short.contains("q quit"), "\(short)")
        #expect(Reducer.reduce(&s, .key(.enter)) == [.command(.rewind(toStep: 40))])
        #expect(s.rewindStep == nil && s.awaitingRewind)
        // Esc leaves without rewinding, and lets the run r paused go on.
        _ = Reducer.reduce(&s, .key(.char("r")))
        #expect(Reducer.reduce(&s, .key(.escape)) == [.command(.resume)] && s.rewindStep == nil)
    }

    @Test func aDivergedRunOffersTheWayBack() {
        var s = live()
        _ = Reducer.reduce(&s, .events([.state(StateChange(step: 120, state: .diverged, reason: "non-finite streak; paused"))]))
        let hint = Screen.render(s).lines[39]
        #expect(hint.contains("diverged at step 120: u undo lr 0.001 → 10 · r rewind to the last healthy snapshot (step 100)"), "\(hint)")
        var narrow = s
        narrow.width = 80; narrow.height = 24
        let short = Screen.render(narrow).lines[23]
        #expect(short.contains("diverged at step 120: u undo lr 10 · r rewind to step 100 · ? help"), "\(short)")
        _ = Reducer.reduce(&s, .key(.char("r")))
        #expect(s.rewindStep == 100)
    }

    @Test func twoRewindsLeaveTwoGhostsOnEveryChart() {
        let s = twoRewinds()
        #expect(s.run.branch == 2 && s.run.ghosts.map(\.branch) == [0, 1] && s.run.ghosts.map(\.fork) == [100, 80])
        #expect(s.run.steps.last == 130 && s.run.ghosts[1].steps.count == 70)   // branch 1's 81…150 left behind
        let screen = Screen.render(s).lines.joined(separator: "\n")
        #expect(screen.contains("branch 2 · 2 ghosts"))
        var wide = s
        wide.width = 200
        #expect(Screen.render(wide).lines[0].contains("branch 2 │"), "the status line names the branch when there is room")
        #expect(Snapshot.check(Screen.render(s), named: "branches-120x40") == nil)
        var a = s
        a.ascii = true
        #expect(Snapshot.check(Screen.render(a), named: "branches-ascii-120x40") == nil)
    }

    @Test func bShowsAnEarlierBranchInTheKLPanel() {
        var s = twoRewinds()
        _ = Reducer.reduce(&s, .key(.char("b")))
        #expect(s.klBranch == 1)
        #expect(Screen.render(s).lines.joined().contains("branch 1, left at step 150"))
        _ = Reducer.reduce(&s, .key(.char("b"))); _ = Reducer.reduce(&s, .key(.char("b")))
        #expect(s.klBranch == nil)
        var none = live()
        _ = Reducer.reduce(&none, .key(.char("b")))
        #expect(none.flash?.text.contains("no earlier branch") == true)
    }

    @Test func replayForksOnlyFromACheckpointAtOrBeforeThePosition() {
        var s = AppState(mode: .replay, width: 120, height: 40)
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: 100)))
        s.replay = ReplayStatus(position: 60, total: 100, speed: "10x", playing: false)
        #expect(Reducer.reduce(&s, .key(.char("f"))).isEmpty && s.flash?.text.contains("no checkpoint.bin") == true)
        s.checkpointSteps = [80]
        #expect(Reducer.reduce(&s, .key(.char("f"))).isEmpty && s.flash?.text.contains("on disk: step 80") == true)
        s.replay?.position = 90
        // f asks first (key mashing once turned a replay into a training run): the folder is found, then y / n.
        #expect(Reducer.reduce(&s, .key(.char("f"))) == [.prepareFork(at: 90, checkpoint: 80)])
        _ = Reducer.reduce(&s, .forkPrepared(at: 90, checkpoint: 80, .success("runs/20261203-101500")))
        let hint = Screen.render(s).lines.last ?? ""
        #expect(hint.contains("checkpoint at step 80 into runs/20261203-101500? y / n"), "\(hint)")
        #expect(Reducer.reduce(&s, .key(.char("f"))).isEmpty && s.confirmFork == nil && s.flash?.text.contains("fork cancelled") == true)
        _ = Reducer.reduce(&s, .key(.char("f")))
        _ = Reducer.reduce(&s, .forkPrepared(at: 90, checkpoint: 80, .success("runs/20261203-101500")))
        #expect(Reducer.reduce(&s, .key(.char("y"))) == [.fork(90, folder: "runs/20261203-101500")])
        // A folder that cannot be made: said, and the replay stays open.
        var r = s
        r.confirmFork = nil
        _ = Reducer.reduce(&r, .key(.char("f")))
        #expect(Reducer.reduce(&r, .forkPrepared(at: 90, checkpoint: 80, .failure(ForkRefusal("'runs' is a FIFO, not a folder")))).isEmpty)
        #expect(!r.quitting && r.confirmFork == nil && r.flash?.text == "cannot fork: 'runs' is a FIFO, not a folder")
        // Undo is the trainer's: a replay says it is read-only.
        #expect(Reducer.reduce(&s, .key(.char("u"))).isEmpty && s.flash?.text.contains("read-only") == true)
    }
}

/// After a rewind the screen shows what a replay of the same run file shows at the step gone back to: every field of
/// that step record (epoch, batch size, λ, momentum, KL objective, speed, time…), not 9 of them with the abandoned
/// branch's values in the rest.
@Suite struct RewindEqualsReplayTests {
    static func step(_ s: Int, gan: Bool = false) -> StepMetrics {
        var m = SyntheticRun.step(s)
        m.epoch = s / 30 + 1; m.batchSize = 64 + s; m.freeBits = Double(s) / 100; m.samplesPerSecond = Float(1000 + s); m.time = Double(s) / 7
        m.momentum = s % 3 == 0 ? nil : 0.9 - Double(s) / 1e4
        m.klObjective = s % 2 == 0 ? Float(s) : nil
        m.klObjectiveDims = s % 2 == 0 ? [Float(s), 1] : nil
        m.capacity = s % 5 == 0 ? Double(s) / 10 : nil
        m.clipCoef = Float(s) / 1000
        if gan {
            m.gan = GANStepMetrics(encoderLoss: Float(s), decoderLoss: 2, discriminatorLoss: 3, featureRecon: 4, dReal: 0.5, dFake: 0.25,
                                   dPrior: 0.125, gradNormEncoder: 1, gradNormDecoder: 2, gradNormDiscriminator: 3,
                                   discriminatorUpdated: s % 2 == 0, decoderUpdated: true, gamma: Double(s), discriminatorLR: 1e-4)
        }
        return m
    }

    @Test(arguments: [false, true])
    func lastStepAfterARewindIsTheReplaysAtThatStep(gan: Bool) {
        var c = RunConfig(); if gan { c.model = .vaeGAN }
        let header = RunEvent.header(RunHeader(name: "r", created: "", config: c, layers: ["a", "b", "c", "d", "e"], parameters: 1,
                                               trainImages: 1000, testImages: 10, stepsPerEpoch: 30))
        let before = [header] + (1...100).map { RunEvent.step(Self.step($0, gan: gan)) }
        let abandoned = (101...160).map { RunEvent.step(Self.step($0, gan: gan)) }
        var live = RunView(), replay = RunView()
        for e in before + abandoned { live.apply(e) }
        live.apply(.rewind(RewindRecord(step: 160, to: 100, branch: 1, reason: .rewind, detail: "rewind to step 100")))
        for e in before { replay.apply(e) }
        #expect(live.lastStep == replay.lastStep)
        #expect(live.lastStep == Self.step(100, gan: gan) && replay.columns.record(at: 0) == Self.step(1, gan: gan))
        #expect(live.series.map(\.count) == replay.series.map(\.count) && live.steps == replay.steps)
        // The ghost holds the abandoned steps whole.
        #expect(live.ghosts.last?.columns.record(at: 59) == Self.step(160, gan: gan))
        #expect(live.expectedSteps == replay.expectedSteps && live.imagesThisEpoch == replay.imagesThisEpoch)
        // The whole screen equals the replay's at that step, once the rewind's own marks (its ghost, the branch
        // number, its line in the events) are set aside: status, knobs, KL, every chart.
        var cleared = live
        cleared.ghosts = []; cleared.branch = 0; cleared.log = replay.log
        for size in [(80, 24), (160, 48)] {
            var shown = AppState(mode: .live, width: size.0, height: size.1, runName: "r"), played = shown
            shown.run = cleared; played.run = replay
            #expect(Screen.render(shown).lines == Screen.render(played).lines, "\(size)")
        }
    }
}
