import Foundation
import Runs
import TerminalUI

/// reduce(&state, action) → effects: all behaviour of the screen, with no I/O.
public enum Reducer {
    public static func reduce(_ s: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .events(let events):
            for event in events {
                let e = event.cutForScreen() ?? event
                s.run.apply(e)
                if s.awaitingRewind { answer(&s, e) }
                switch e {
                case .change(let c):
                    s.pending[c.parameter] = nil
                    if c.origin?.answersCommand == true { s.awaitingChange = false }
                case .plan(let p): adopt(p, &s)
                case .outcome(let o) where o.outcome == .applied && (o.command == RunCommand.Name.checkpoint.rawValue || o.command == RunCommand.Name.evaluate.rawValue):
                    // The answer to "checkpoint asked" / "evaluation asked".
                    if s.mode == .follow { s.flash = (RunView.outcomeText(o), .ok) }
                case .outcome(let o) where o.outcome != .applied:
                    // The other process did not do it: the knob shows its value again, and the reason is flashed.
                    if let p = o.parameter.flatMap(Hyperparameter.init(rawValue:)) { s.pending[p] = nil } else if o.parameter != nil { s.pending = [:] }
                    s.awaitingChange = false; s.awaitingRewind = false
                    s.flash = (RunView.outcomeText(o), .alert)
                case .outcome(let o) where o.outcome == .applied && (o.command == RunCommand.Name.set.rawValue || o.command == RunCommand.Name.clear.rawValue):
                    // Done without a change record: the value was already in force ("lr is already 0.01: nothing changed").
                    if let p = o.parameter.flatMap(Hyperparameter.init(rawValue:)) { s.pending[p] = nil }
                    if s.awaitingChange, let why = o.reason { s.flash = (why, .inactiveFg) }
                    s.awaitingChange = false
                default: break
                }
            }
            if s.pending.isEmpty { s.pendingSince = nil } else if let since = s.pendingSince, let now = s.run.lastStep?.step,
                                                                  now - since >= Self.unansweredSteps {
                // A watched loop that logs steps but never answers does not read the command file.
                // The knobs show the run's values again: nothing was changed.
                s.pendingSince = nil; s.pending = [:]; s.awaitingChange = false
                s.flash = ("no answer in \(Self.unansweredSteps) steps: this run's loop does not read commands", .alert)
            }
            if let k = s.klBranch, k >= s.run.ghosts.count { s.klBranch = nil }
            if s.stopping && !s.quitting && s.run.end != nil { s.quitting = true; return [.quit] }
            return []
        case .comparedEvents(let i, let events):
            if s.compared.indices.contains(i) { for e in events { s.compared[i].run.apply(e) } }
            return []
        case .comparedReset(let i, let events):
            if s.compared.indices.contains(i) { s.compared[i].run = RunView(); for e in events { s.compared[i].run.apply(e) } }
            return []
        case .reset(let events):
            s.run = RunView()
            s.klBranch = nil
            for e in events { s.run.apply(e) }
            if case .plan(let p)? = events.last(where: { if case .plan = $0 { true } else { false } }) { adopt(p, &s) }
            return []
        case .resize(let w, let h):
            s.width = w; s.height = h
            return []
        case .interrupt:
            return stopAndQuit(&s)
        case .replayStatus(let r):
            s.replay = r
            return []
        case .themeLoaded(let theme, let problem):
            s.theme = theme
            s.flash = problem.map { ("theme: \($0); using the default theme", .alert) } ?? ("theme \(theme.name)", .mainFg)
            return []
        case .liveness(let l):
            let was = s.liveness
            s.liveness = s.run.end == nil ? l : nil
            if let l = s.liveness, l != was {
                switch l {
                case .gone(_, let step):
                    // Nothing reads commands any more: what was waiting for an answer is dropped, and said.
                    let dropped = !s.pending.isEmpty || s.awaitingChange || s.awaitingRewind
                    s.pending = [:]; s.pendingSince = nil; s.awaitingChange = false; s.awaitingRewind = false
                    s.run.log(step, l.text + (dropped ? "; the commands waiting for an answer were dropped" : ""), .alert)
                case .silent(_, let step):
                    if case .silent? = was {} else { s.run.log(step, "the run's writer has been silent well past its step interval", .warn) }
                }
            }
            return []
        case .flashExpired:
            // A message the run is still acting on (stopping) stays; others go, as after a key.
            if !s.stopping { s.flash = nil }
            return []
        case .forkPrepared(let at, let checkpoint, .success(let folder)):
            s.confirmFork = ForkOffer(at: at, checkpoint: checkpoint, folder: folder)
            return []
        case .forkPrepared(_, _, .failure(let refusal)):
            // The replay stays open: nothing was started.
            s.flash = ("cannot fork: \(refusal.reason)", .alert)
            return []
        case .key(let k):
            return key(&s, k)
        case .mouse(let m):
            return mouse(&s, m)
        }
    }

    /// Another process's schedule: its planned lr replaces the one derived from the header.
    private static func adopt(_ p: PlanRecord, _ s: inout AppState) {
        s.plan = SchedulePreview(lr: p.lr, momentum: s.plan?.momentum ?? [], beta: s.plan?.beta ?? [])
    }

    /// Steps a watched run may log before a change it was sent counts as unanswered.
    static let unansweredSteps = 100

    static let stoppingMessage = "stopping: final evaluation and checkpoint…"

    private static func stopAndQuit(_ s: inout AppState) -> [Effect] {
        s.confirmQuit = false
        if s.trainingActive {
            s.flash = (stoppingMessage, .warn)
            if s.stopping { return [] }
            s.stopping = true
            return [.command(.stop)]
        }
        s.quitting = true
        return [.quit]
    }

    private static func key(_ s: inout AppState, _ k: Key) -> [Effect] {
        if !s.stopping { s.flash = nil }
        switch s.interaction {
        case .confirmingQuit:
            if Keymap.modalAction(for: k, in: .confirming) == .confirm { return stopAndQuit(&s) }
            s.interaction = .normal
            return []
        case .confirmingFork(let offer):
            s.interaction = .normal
            if Keymap.modalAction(for: k, in: .confirming) == .confirm { return [.fork(offer.at, folder: offer.folder)] }
            s.flash = ("fork cancelled: the replay goes on", .inactiveFg)
            return []
        case .typing: return typing(&s, k)
        case .filtering: return typingFilter(&s, k)
        case .help:
            if Keymap.modalAction(for: k, in: .overHelp) == .closeHelp { s.showHelp = false }
            return []
        case .normal, .rewinding: break   // the keymap (the rewind cursor's keys are a scope of it)
        }
        // Every key goes through the keymap: one table says what it does where.
        guard let binding = Keymap.binding(for: k, in: s.mode, rewinding: s.rewindStep != nil, focus: s.focus) else {
            if s.mode == .replay && Keymap.bindings.contains(where: { $0.scope == .training && $0.keys.contains(k) }) {
                s.flash = ("replay: the run is read-only", .inactiveFg)
            } else if s.rewindStep != nil {
                s.flash = ("\(k.name) does nothing while choosing a snapshot: ⏎ rewinds, esc leaves", .inactiveFg)
            } else if s.deservesNoOpMessage(k) {
                s.flash = ("\(k.name) does nothing here; ? lists the keys", .inactiveFg)
            }
            return []
        }
        // A panel's own keys go to its reducer.
        for v in Panel.registry { if let effects = v.reduce(&s, binding.action, k) { return effects } }
        switch binding.action {
        case .scrollLog, .filterLog, .selectDimension, .sortDimensions: break   // the panels' (above)
        case .submit, .cancel, .erase, .confirm, .closeHelp: break   // the modal interactions' (Keymap.modal, above)
        case .quit:
            if s.trainingActive { s.confirmQuit = true; return [] }
            s.quitting = true
            return [.quit]
        case .help: s.showHelp = true
        case .focusNext: s.focus = s.focus.cycled(1)
        case .focusPrevious: s.focus = s.focus.cycled(-1)
        case .focusPanel:
            if case .char(let c) = k, let n = c.wholeNumberValue, let p = Panel.numbered(n) { s.focus = p }
        case .zoom: s.zoomed.toggle()
        case .unzoom:
            if s.zoomed { s.zoomed = false } else if !s.logFilter.isEmpty { s.logFilter = ""; s.logScroll = 0 }
        case .logScale:
            guard s.focus.hasLogScale else {
                s.flash = ("the \(s.focus.title) panel has no log scale; focus a chart (\(Panel.logScaleNumbers)) first", .inactiveFg)
                return []
            }
            if s.logScale.contains(s.focus) { s.logScale.remove(s.focus) } else { s.logScale.insert(s.focus) }
        case .imagesPage:
            // A TensorBoard log's pictures (no images of vaetop's own): the next image tag.
            if s.run.images == nil && !s.run.loggedImages.isEmpty { s.loggedImage = (s.loggedImage + 1) % s.run.loggedImages.count }
            else { s.imagesPage = s.imagesPage.next }
        case .zoomTime:
            zoomTime(&s, closer: k != .char("-"))
        case .smoothing: s.smoothing.toggle()
        case .theme:
            let i = s.themeNames.firstIndex(of: s.theme.name) ?? -1
            return [.loadTheme(s.themeNames[(i + 1) % max(1, s.themeNames.count)])]
        case .replayPlay: return [.replay(.togglePlay)]
        case .replayFaster: return [.replay(.faster)]
        case .replaySlower: return [.replay(.slower)]
        case .replayStep: return [.replay(k == .right ? .forward : .back)]
        case .replayJump: return [.replay(k == .home ? .start : .end)]
        case .trainOneCycle, .trainCyclic: return rangeTestKey(&s, binding.action)
        case .pauseResume, .selectKnob, .adjustKnob, .typeValue, .clearOverride, .checkpoint, .evaluate, .undo, .rearmGuards, .rewindMode:
            return liveKey(&s, binding.action, k)
        case .rewindMove, .rewindJump, .rewindHere, .rewindCancel:
            return rewindKey(&s, binding.action, k)
        case .selectRun, .toggleRun, .compareMetric, .klDifference, .sortRuns:
            compareKey(&s, binding.action, k)
        case .fork:
            let at = s.replay?.position ?? s.run.lastStep?.step ?? 0
            guard let steps = s.checkpointSteps, !steps.isEmpty else {
                s.flash = ("no checkpoint.bin in this run's folder to fork from (sample runs ship none)", .inactiveFg)
                return []
            }
            guard steps.contains(where: { $0 <= at }) else {
                s.flash = ("no checkpoint at or before step \(at); on disk: step \(steps.map(String.init).joined(separator: ", "))", .alert)
                return []
            }
            let from = steps.filter({ $0 <= at }).max()!
            if s.run.plannedSteps > 0, from >= s.run.plannedSteps {
                s.flash = ("the checkpoint (step \(from)) is at the end of the run's plan: vaetop train --fork RUN --at \(from) --epochs MORE trains on", .inactiveFg)
                return []
            }
            return [.prepareFork(at: at, checkpoint: from)]
        case .branch:
            guard !s.run.ghosts.isEmpty else {
                s.flash = ("no earlier branch yet: u or r makes one", .inactiveFg)
                return []
            }
            // live → newest ghost → … → oldest → live
            if let b = s.klBranch { s.klBranch = b > 0 ? b - 1 : nil } else { s.klBranch = s.run.ghosts.count - 1 }
        }
        return []
    }

    /// The rewind cursor: moves over the snapshot points; Enter sends the rewind.
    private static func rewindKey(_ s: inout AppState, _ action: KeyBinding.Action, _ k: Key) -> [Effect] {
        let points = s.run.snapshotPoints
        guard let at = s.rewindStep, !points.isEmpty, s.run.end == nil else { s.rewindStep = nil; s.resumeAfterRewind = false; return [] }
        switch action {
        case .rewindMove:
            if k == .left { s.rewindStep = points.last { $0 < at } ?? points[0] } else { s.rewindStep = points.first { $0 > at } ?? points[points.count - 1] }
        case .rewindJump: s.rewindStep = k == .home ? points[0] : points[points.count - 1]
        case .rewindHere:
            s.rewindStep = nil
            s.resumeAfterRewind = false   // the rewind leaves the run paused there, to set knobs first
            s.awaitingRewind = true
            s.flash = ("rewinding to step \(at)…", .hiFg)
            return [.command(.rewind(toStep: at))]
        default:
            s.rewindStep = nil
            if s.resumeAfterRewind {
                s.resumeAfterRewind = false
                return [.command(.resume)]
            }
        }
        return []
    }

    /// Where the rewind cursor starts: the last healthy point after a divergence, else the latest point.
    static func initialRewindStep(_ run: RunView) -> Int? {
        if let d = run.divergedAt, let healthy = run.snapshotPoints.last(where: { $0 < d }) { return healthy }
        return run.snapshotPoints.last
    }

    /// The trainer's answer to an undo or rewind, flashed until the next key.
    private static func answer(_ s: inout AppState, _ e: RunEvent) {
        switch e {
        case .rewind(let r):
            s.awaitingRewind = false
            // The detail names the change that was undone ("undo lr 0.001 → 10 (step 500)"): said in the past tense.
            let undone = r.detail.hasPrefix("undo ") ? "undid " + r.detail.dropFirst(5) : r.detail
            s.flash = (r.reason == .undo ? "\(undone): back at step \(r.to), running" : "back at step \(r.to), paused: set the knobs, space resumes", .ok)
        default: break
        }
    }

    /// The range-test screen: once the curve is done, o trains with one-cycle and y with a cyclic schedule.
    private static func rangeTestKey(_ s: inout AppState, _ action: KeyBinding.Action) -> [Effect] {
        guard let r = s.run.rangeTest, r.finished else {
            s.flash = ("the range test is still running", .inactiveFg)
            return []
        }
        guard r.cyclicBase != nil, r.cyclicMax != nil else {
            s.flash = ("the curve gives no bounds (the loss never fell); nothing to apply", .alert)
            return []
        }
        return [.choose(action == .trainOneCycle ? .onecycle : .cyclic)]
    }

    /// Steering keys: the trainer's (live) or the other process's (watch) hyperparameters.
    private static func liveKey(_ s: inout AppState, _ action: KeyBinding.Action, _ k: Key) -> [Effect] {
        guard s.run.end == nil else {
            s.flash = ("the run has ended: nothing to steer (q quits)", .inactiveFg)
            return []
        }
        if case .gone? = s.liveness {
            s.flash = ("the run's process is gone: nothing would read the command; nothing sent", .alert)
            return []
        }
        // A trainer in another process declares what it can do; nothing is sent that it would have to ignore.
        let knobAction = [.adjustKnob, .typeValue, .clearOverride].contains(action)
        if let need = knobAction ? s.selectedKnob.parameter.rawValue : action.capability, !s.canSend(need) {
            // Short enough for an 80-column hint line.
            let what = knobAction ? s.selectedKnob.parameter.label : (need == Keymap.knobsCapability ? "the knobs" : need)
            let why = s.run.header?.logged != nil ? "a log another program wrote takes no commands"
                : (s.run.header?.capabilities?.isEmpty == true ? "this run takes no commands from a watcher" : "not offered by this run's loop")
            s.flash = ("\(what): \(why); nothing sent", .inactiveFg)
            return []
        }
        switch action {
        case .pauseResume: return [.command(s.run.state == .paused || s.run.state == .diverged ? .resume : .pause)]
        case .undo, .rewindMode:
            guard !s.run.snapshotPoints.isEmpty else {
                s.flash = ("no snapshots to go back to (--snapshot-memory 0, or the trainer keeps none)", .inactiveFg)
                return []
            }
            if action == .rewindMode {
                s.rewindStep = initialRewindStep(s.run)
                // The run holds still while a step is picked; esc lets it go on, ⏎ leaves it paused at the step.
                guard s.run.state == .running, s.run.end == nil, s.canSend(RunCommand.Name.pause.rawValue) else { return [] }
                s.resumeAfterRewind = true
                return [.command(.pause)]
            }
            s.awaitingRewind = true
            s.flash = ("undoing the last change…", .hiFg)
            return [.command(.undo)]
        case .rearmGuards:
            return [.command(.rearm)]
        case .checkpoint, .evaluate:
            // Another process answers when it reaches a step boundary: say it is on its way.
            if s.mode == .follow { s.flash = ("\(action == .checkpoint ? "checkpoint" : "evaluation") asked; the run answers at its next step", .inactiveFg) }
            return [.command(action == .checkpoint ? .checkpoint : .evaluate)]
        case .selectKnob:
            let knobs = Knob.available(gan: s.run.isGAN)
            let i = knobs.firstIndex(of: s.selectedKnob) ?? 0
            s.selectedKnob = knobs[(i + (k == .down ? 1 : knobs.count - 1)) % knobs.count]
        case .adjustKnob where s.run.unknownKnobs.contains(s.selectedKnob.parameter):
            s.flash = ("\(s.selectedKnob.parameter.label): the loop has not said its value; nothing sent", .inactiveFg)
        case .adjustKnob:
            let p = s.selectedKnob.parameter
            let v = s.selectedKnob.stepped(s.pending[p] ?? s.run.current[p] ?? 0, up: k == .right)
            return send(&s, p, v)
        case .typeValue: s.input = ""
        case .clearOverride:
            // Clear an override: lr back to the schedule, β back to its schedule.
            let p = s.selectedKnob.parameter
            if p == .lr || p == .beta { s.awaitingChange = true; return [.command(.clear(p))] }
            s.flash = ("x clears an lr or β override; \(p.label) has none", .inactiveFg)
        default: break
        }
        return []
    }

    /// The mouse, as in btop/htop: a click focuses the panel under it; the wheel scrolls the event log, or zooms the
    /// time charts in (up) and out (down).
    private static func mouse(_ s: inout AppState, _ m: MouseEvent) -> [Effect] {
        guard s.interaction == .normal || s.rewindStep != nil && !s.showHelp, s.mode != .rangeTest else { return [] }
        let body = Rect(x: 0, y: 1, width: s.width, height: s.height - 2)
        let panel = s.zoomed ? s.focus : Screen.layout(body, focus: s.focus, comparing: s.comparing).first { $0.1.contains(x: m.x, y: m.y) }?.0
        guard let panel else { return [] }
        switch m.kind {
        case .press:
            s.focus = panel
        case .wheelUp, .wheelDown:
            if panel == .log {
                s.logScroll = max(0, min(s.logScroll + (m.kind == .wheelUp ? 3 : -3), max(0, s.run.log.count - 1)))
            } else if [.loss, .beta, .lr, .kl, .grads].contains(panel) {
                zoomTime(&s, closer: m.kind == .wheelUp)
            }
        }
        return []
    }

    /// One step of time zoom: closer shows half as much of the run (down to 1/1024), further back twice as much.
    private static func zoomTime(_ s: inout AppState, closer: Bool) {
        s.timeZoom = max(0, min(10, s.timeZoom + (closer ? 1 : -1)))
        s.flash = (s.timeZoom == 0 ? "time: the whole run" : "time: the last 1/\(1 << s.timeZoom) of the run (- or wheel down: back)", .inactiveFg)
    }

    /// Typing the event-log filter: every key edits it, ⏎ keeps it, esc clears it.
    private static func typingFilter(_ s: inout AppState, _ k: Key) -> [Effect] {
        guard var text = s.filterInput else { return [] }
        switch (Keymap.modalAction(for: k, in: .filtering), k) {
        case (.cancel?, _): s.filterInput = nil; s.logFilter = ""
        case (.submit?, _): s.filterInput = nil
        case (.erase?, _): if !text.isEmpty { text.removeLast() }; s.filterInput = text; s.logFilter = text
        case (nil, .char(let c)): if text.count < 40 { text.append(c) }; s.filterInput = text; s.logFilter = text
        default: break
        }
        s.logScroll = 0
        return []
    }

    private static func typing(_ s: inout AppState, _ k: Key) -> [Effect] {
        guard var text = s.input else { return [] }
        switch (Keymap.modalAction(for: k, in: .typing), k) {
        case (.cancel?, _): s.input = nil
        case (.erase?, _): if !text.isEmpty { text.removeLast() }; s.input = text
        case (.submit?, _):
            s.input = nil
            guard !text.isEmpty else { s.flash = ("nothing typed; nothing changed", .inactiveFg); return [] }
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)) else {
                s.flash = ("'\(text)' is not a number; nothing changed", .alert)
                return []
            }
            return send(&s, s.selectedKnob.parameter, v)
        case (nil, .char(let c)) where c.isNumber || ".-+eE".contains(c):
            if text.count < 24 { text.append(c) }
            s.input = text
        case (nil, .char(let c)):
            s.flash = ("'\(c)' is not part of a number (digits, . - + e); \(Keymap.modalHints(.typing, ascii: s.ascii))", .inactiveFg)
        default: break
        }
        return []
    }

    /// Validates and sends a change; a bad value only produces a message.
    private static func send(_ s: inout AppState, _ p: Hyperparameter, _ v: Double) -> [Effect] {
        if let problem = p.problem(with: v) {
            s.flash = ("\(problem); nothing changed", .alert)
            return []
        }
        s.pending[p] = v
        if s.mode == .follow && s.pendingSince == nil { s.pendingSince = s.run.lastStep?.step }
        s.awaitingChange = true
        return [.command(.set(p, v))]
    }
}
