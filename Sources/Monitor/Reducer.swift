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
        switch k {
        case .char("q"), .ctrl("c"):
            if s.trainingActive { s.confirmQuit = true; return [] }
            s.quitting = true
            return [.quit]
        case .char("?"): s.showHelp = true
        case .tab: s.focus = Panel(rawValue: (s.focus.rawValue + 1) % Panel.allCases.count)!
        case .backTab: s.focus = Panel(rawValue: (s.focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count)!
        case .char(let c) where c.isNumber:
            if let n = c.wholeNumberValue, n >= 1, n <= Panel.allCases.count { s.focus = Panel(rawValue: n - 1)! }
        case .char("z"): s.zoomed.toggle()
        case .escape: s.zoomed = false
        case .char("l"):
            if s.focus.hasLogScale { if s.logScale.contains(s.focus) { s.logScale.remove(s.focus) } else { s.logScale.insert(s.focus) } }
        case .char("m"): s.smoothing.toggle()
        case .char("t"):
            let i = s.themeNames.firstIndex(of: s.theme.name) ?? -1
            return [.loadTheme(s.themeNames[(i + 1) % max(1, s.themeNames.count)])]
        default:
            switch s.mode {
            case .replay: return replayKey(&s, k)
            case .rangeTest: return rangeTestKey(&s, k)
            default: return liveKey(&s, k)
            }
        }
        return []
    }

    /// The range-test screen: once the curve is done, o trains with one-cycle and y with a cyclic schedule.
    private static func rangeTestKey(_ s: inout AppState, _ k: Key) -> [Effect] {
        guard k == .char("o") || k == .char("y") else { return [] }
        guard let r = s.run.rangeTest, r.finished else {
            s.flash = ("the range test is still running", "inactive_fg")
            return []
        }
        guard r.cyclicBase != nil, r.cyclicMax != nil else {
            s.flash = ("the curve gives no bounds (the loss never fell); nothing to apply", "alert")
            return []
        }
        return [.choose(k == .char("o") ? "onecycle" : "cyclic")]
    }

    private static func replayKey(_ s: inout AppState, _ k: Key) -> [Effect] {
        switch k {
        case .char(" "): return [.replay(.togglePlay)]
        case .char(">"), .char("."): return [.replay(.faster)]
        case .char("<"), .char(","): return [.replay(.slower)]
        case .right: return [.replay(.forward)]
        case .left: return [.replay(.back)]
        case .home: return [.replay(.start)]
        case .end: return [.replay(.end)]
        case .up, .down, .enter, .char("c"), .char("e"):
            s.flash = ("replay: the run is read-only", "inactive_fg")
        default: break
        }
        return []
    }

    private static func liveKey(_ s: inout AppState, _ k: Key) -> [Effect] {
        guard s.run.end == nil else {
            if k == .char(" ") || k == .enter { s.flash = ("the run has ended; q quits", "inactive_fg") }
            return []
        }
        switch k {
        case .char(" "): return [.command(s.run.state == .paused || s.run.state == .diverged ? .resume : .pause)]
        case .char("c"): return [.command(.checkpoint)]
        case .char("e"): return [.command(.evaluate)]
        case .up, .down:
            let knobs = Knob.available(gan: s.run.isGAN)
            let i = knobs.firstIndex(of: s.selectedKnob) ?? 0
            s.selectedKnob = knobs[(i + (k == .down ? 1 : knobs.count - 1)) % knobs.count]
        case .left, .right:
            let p = s.selectedKnob.parameter
            let v = s.selectedKnob.stepped(s.run.current[p] ?? 0, up: k == .right)
            return send(&s, p, v)
        case .enter: s.input = ""
        case .char("x"):
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
