import Foundation
import Runs
import TerminalUI

/// reduce(&state, action) → effects: all behaviour of the screen, with no I/O.
public enum Reducer {
    public static func reduce(_ s: inout AppState, _ action: Action) -> [Effect] {
        switch action {
        case .events(let events):
            for e in events { s.run.apply(e) }
            if s.stopping && !s.quitting && s.run.end != nil { s.quitting = true; return [.quit] }
            return []
        case .reset(let events):
            s.run = RunView()
            for e in events { s.run.apply(e) }
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
            s.flash = problem.map { ("theme: \($0); using the default theme", "alert") } ?? ("theme \(theme.name)", "main_fg")
            return []
        case .key(let k):
            return key(&s, k)
        }
    }

    static let stoppingMessage = "stopping: final evaluation and checkpoint…"

    private static func stopAndQuit(_ s: inout AppState) -> [Effect] {
        s.confirmQuit = false
        if s.trainingActive {
            s.flash = (stoppingMessage, "warn")
            if s.stopping { return [] }
            s.stopping = true
            return [.command(.stop)]
        }
        s.quitting = true
        return [.quit]
    }

    private static func key(_ s: inout AppState, _ k: Key) -> [Effect] {
        if !s.stopping { s.flash = nil }
        if s.confirmQuit {
            switch k {
            case .char("y"), .char("Y"), .enter: return stopAndQuit(&s)
            default: s.confirmQuit = false; return []
            }
        }
        if s.input != nil { return typing(&s, k) }
        if s.showHelp {
            if k == .char("?") || k == .escape || k == .char("q") { s.showHelp = false }
            return []
        }
        // Every key goes through the keymap: one table says what it does where.
        guard let binding = Keymap.binding(for: k, in: s.mode) else {
            if s.mode == .replay && Keymap.bindings.contains(where: { $0.scope == .training && $0.keys.contains(k) }) {
                s.flash = ("replay: the run is read-only", "inactive_fg")
            }
            return []
        }
        switch binding.action {
        case .quit:
            if s.trainingActive { s.confirmQuit = true; return [] }
            s.quitting = true
            return [.quit]
        case .help: s.showHelp = true
        case .focusNext: s.focus = Panel(rawValue: (s.focus.rawValue + 1) % Panel.allCases.count)!
        case .focusPrevious: s.focus = Panel(rawValue: (s.focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count)!
        case .focusPanel:
            if case .char(let c) = k, let n = c.wholeNumberValue, n >= 1, n <= Panel.allCases.count { s.focus = Panel(rawValue: n - 1)! }
        case .zoom: s.zoomed.toggle()
        case .unzoom: s.zoomed = false
        case .logScale:
            if s.focus.hasLogScale { if s.logScale.contains(s.focus) { s.logScale.remove(s.focus) } else { s.logScale.insert(s.focus) } }
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
        case .pauseResume, .selectKnob, .adjustKnob, .typeValue, .clearOverride, .checkpoint, .evaluate:
            return liveKey(&s, binding.action, k)
        }
        return []
    }

    /// The range-test screen: once the curve is done, o trains with one-cycle and y with a cyclic schedule.
    private static func rangeTestKey(_ s: inout AppState, _ action: KeyBinding.Action) -> [Effect] {
        guard let r = s.run.rangeTest, r.finished else {
            s.flash = ("the range test is still running", "inactive_fg")
            return []
        }
        guard r.cyclicBase != nil, r.cyclicMax != nil else {
            s.flash = ("the curve gives no bounds (the loss never fell); nothing to apply", "alert")
            return []
        }
        return [.choose(action == .trainOneCycle ? .onecycle : .cyclic)]
    }

    /// Steering keys: the trainer's (live) or the other process's (watch) hyperparameters.
    private static func liveKey(_ s: inout AppState, _ action: KeyBinding.Action, _ k: Key) -> [Effect] {
        guard s.run.end == nil else {
            if action == .pauseResume || action == .typeValue { s.flash = ("the run has ended; q quits", "inactive_fg") }
            return []
        }
        switch action {
        case .pauseResume: return [.command(s.run.state == .paused || s.run.state == .diverged ? .resume : .pause)]
        case .checkpoint: return [.command(.checkpoint)]
        case .evaluate: return [.command(.evaluate)]
        case .selectKnob:
            let knobs = Knob.available(gan: s.run.isGAN)
            let i = knobs.firstIndex(of: s.selectedKnob) ?? 0
            s.selectedKnob = knobs[(i + (k == .down ? 1 : knobs.count - 1)) % knobs.count]
        case .adjustKnob:
            let p = s.selectedKnob.parameter
            let v = s.selectedKnob.stepped(s.run.current[p] ?? 0, up: k == .right)
            return send(&s, p, v)
        case .typeValue: s.input = ""
        case .clearOverride:
            // Clear an override: lr back to the schedule, β back to its schedule.
            let p = s.selectedKnob.parameter
            if p == .lr || p == .beta { return [.command(.clear(p))] }
        default: break
        }
        return []
    }

    private static func typing(_ s: inout AppState, _ k: Key) -> [Effect] {
        guard var text = s.input else { return [] }
        switch k {
        case .escape: s.input = nil
        case .backspace: if !text.isEmpty { text.removeLast() }; s.input = text
        case .enter:
            s.input = nil
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)) else {
                s.flash = ("'\(text)' is not a number; nothing changed", "alert")
                return []
            }
            return send(&s, s.selectedKnob.parameter, v)
        case .char(let c) where c.isNumber || ".-+eE".contains(c):
            if text.count < 24 { text.append(c) }
            s.input = text
        default: break
        }
        return []
    }

    /// Validates and sends a change; a bad value only produces a message.
    private static func send(_ s: inout AppState, _ p: Hyperparameter, _ v: Double) -> [Effect] {
        if let problem = p.problem(with: v) {
            s.flash = ("\(problem); nothing changed", "alert")
            return []
        }
        return [.command(.set(p, v))]
    }
}
