import Runs
import TerminalUI

/// Every key binding of the screen in one table (bubbletea's `key.Binding` is the model): the keys, what they do,
/// where they apply, the hint-bar word and the help line. The reducer, the hint bar, the `?` overlay and the README's
/// key table are all derived from it (`KeymapTests` keeps the README in sync).
public struct KeyBinding: Sendable {
    /// What a binding does; the reducer switches on this, never on raw keys.
    public enum Action: Sendable, Equatable {
        case quit, help, focusNext, focusPrevious, focusPanel, zoom, unzoom, logScale, smoothing, theme
        case pauseResume, selectKnob, adjustKnob, typeValue, clearOverride, checkpoint, evaluate
        case replayPlay, replayFaster, replaySlower, replayStep, replayJump
        case trainOneCycle, trainCyclic
        case undo, rearmGuards, rewindMode, rewindMove, rewindJump, rewindHere, rewindCancel, branch, fork
        case selectRun, toggleRun, compareMetric, klDifference, sortRuns
        case scrollLog, filterLog, selectDimension, sortDimensions, imagesPage, zoomTime
        /// The modal interactions' keys (`Keymap.modal`): send or keep what was typed, cancel it, delete a
        /// character, answer yes, close the help.
        case submit, cancel, erase, confirm, closeHelp

        /// The capability a trainer in another process must declare for this key to be sent (`RunHeader.can`);
        /// nil for keys that send nothing or depend on the selected knob.
        public var capability: String? {
            switch self {
            case .selectKnob, .adjustKnob, .typeValue, .clearOverride: return Keymap.knobsCapability
            default: return command?.rawValue
            }
        }

        /// The command the key sends (nil for keys that send nothing or depend on the selected knob).
        public var command: RunCommand.Name? {
            switch self {
            case .pauseResume: return .pause
            case .checkpoint: return .checkpoint
            case .evaluate: return .evaluate
            case .undo: return .undo
            case .rearmGuards: return .rearm
            case .rewindMode: return .rewind
            default: return nil
            }
        }
    }

    /// Where a binding applies (`rewinding`: while the rewind cursor is on the charts; `logPanel`, `klPanel`: while
    /// that panel has the focus, before the mode's own keys).
    public enum Scope: Sendable, Equatable {
        case everywhere, training, replay, rangeTest, rewinding, comparing
        /// The modal interactions (`Keymap.modal`): typing a knob's value, typing the events filter, a y / n
        /// question, the help overlay.
        case typing, filtering, confirming, overHelp
        /// While this panel has the focus (declared by the panel, `PanelView.keys`).
        case focused(Panel)
    }

    /// The keys that trigger it.
    public let keys: [Key]
    public let action: Action
    public let scope: Scope
    /// Key names in the hint bar (Unicode, ASCII); nil keeps the binding out of the hint bar.
    public let hintKeys: (unicode: String, ascii: String)?
    /// The hint bar's word for it.
    public let hint: String
    /// The key column of the help overlay and the README table.
    public let helpKeys: String
    /// The help overlay's and README's explanation.
    public let help: String

    init(_ keys: [Key], _ action: Action, _ scope: Scope, hint: (String, String)? = nil, _ hintWord: String = "",
         help helpKeys: String, _ help: String) {
        self.keys = keys; self.action = action; self.scope = scope
        self.hintKeys = hint; self.hint = hintWord; self.helpKeys = helpKeys; self.help = help
    }
}

/// The table, in hint-bar order within each scope.
public enum Keymap {
    /// The panels' own keys come first (they take ↑ ↓ from the knobs while their panel has the focus), then the table.
    public static let bindings: [KeyBinding] = Panel.registry.flatMap(\.keys) + table

    static let table: [KeyBinding] = [
        // Training.
        KeyBinding([.char(" ")], .pauseResume, .training, hint: ("space", "space"), "pause",
                   help: "space", "pause / resume training (replay: play / pause)"),
        KeyBinding([.up, .down], .selectKnob, .training, hint: ("↑↓", "up/down"), "select",
                   help: "↑ ↓", "select a knob: lr, β, β target, λ, clip, weight decay, batch"),
        KeyBinding([.left, .right], .adjustKnob, .training, hint: ("←→", "left/right"), "adjust",
                   help: "← →", "change it by a step (×1.25 rates, ±0.05 λ, ×2 batch)"),
        KeyBinding([.enter], .typeValue, .training, hint: ("⏎", "enter"), "type",
                   help: "⏎", "type an exact value (validated; esc cancels)"),
        KeyBinding([.char("x")], .clearOverride, .training,
                   help: "x", "clear the lr or β override (back to the schedule)"),
        KeyBinding([.char("u")], .undo, .training, hint: ("u", "u"), "undo", help: "u, g", Keymap.undoHelp),
        KeyBinding([.char("g")], .rearmGuards, .training, help: "u, g", Keymap.undoHelp),
        KeyBinding([.char("r")], .rewindMode, .training, hint: ("r", "r"), "rewind",
                   help: "r", "rewind: pause, pick a snapshot on the time axis, ⏎ go back"),
        KeyBinding([.char("c")], .checkpoint, .training, hint: ("c", "c"), "ckpt", help: "c, e", "checkpoint now; e evaluates now"),
        KeyBinding([.char("e")], .evaluate, .training, hint: ("e", "e"), "eval", help: "c, e", "checkpoint now; e evaluates now"),
        // Rewind cursor (the hint bar keeps ⏎ and esc first on narrow terminals).
        KeyBinding([.enter], .rewindHere, .rewinding, hint: ("⏎", "enter"), "rewind here", help: Keymap.rewindKeys, Keymap.rewindHelp),
        KeyBinding([.escape, .char("r")], .rewindCancel, .rewinding, hint: ("esc", "esc"), "cancel", help: Keymap.rewindKeys, Keymap.rewindHelp),
        KeyBinding([.left, .right], .rewindMove, .rewinding, hint: ("←→", "left/right"), "snapshot",
                   help: Keymap.rewindKeys, Keymap.rewindHelp),
        KeyBinding([.home, .end], .rewindJump, .rewinding, hint: ("home/end", "home/end"), "first/last",
                   help: Keymap.rewindKeys, Keymap.rewindHelp),
        // Replay.
        KeyBinding([.char(" ")], .replayPlay, .replay, hint: ("space", "space"), "play/pause", help: "space", "replay: play / pause"),
        KeyBinding([.char(">"), .char(".")], .replayFaster, .replay, hint: ("<>", "<>"), "speed",
                   help: "< >", Keymap.speedHelp),
        KeyBinding([.char("<"), .char(",")], .replaySlower, .replay, help: "< >", Keymap.speedHelp),
        KeyBinding([.left, .right], .replayStep, .replay, hint: ("←→", "left/right"), "step", help: "← →", "replay: step 1% of the run"),
        KeyBinding([.home, .end], .replayJump, .replay, hint: ("home/end", "home/end"), "jump", help: "home / end", "replay: jump to the start / end"),
        KeyBinding([.char("f")], .fork, .replay, hint: ("f", "f"), "fork",
                   help: "f", "replay: new run from the checkpoint at or before here"),
        // LR range test.
        KeyBinding([.char("o")], .trainOneCycle, .rangeTest, hint: ("o", "o"), "train with one-cycle",
                   help: "o", "lr-find: train with one-cycle between the bounds"),
        KeyBinding([.char("y")], .trainCyclic, .rangeTest, hint: ("y", "y"), "train cyclic",
                   help: "y", "lr-find: train with a cyclic schedule between the bounds"),
        // Everywhere.
        KeyBinding([.tab], .focusNext, .everywhere, hint: ("tab", "tab"), "focus", help: "tab, 1–\(Panel.allCases.count)", "focus a panel (shift-tab: the previous one)"),
        KeyBinding([.backTab], .focusPrevious, .everywhere, help: "tab, 1–\(Panel.allCases.count)", "focus a panel (shift-tab: the previous one)"),
        KeyBinding((1...min(9, Panel.allCases.count)).map { .char(Character(String($0))) }, .focusPanel, .everywhere, help: "tab, 1–\(Panel.allCases.count)", "focus a panel (shift-tab: the previous one)"),
        KeyBinding([.char("z")], .zoom, .everywhere, hint: ("z", "z"), "zoom", help: "z, esc", "zoom the focused panel to the full screen; esc leaves"),
        KeyBinding([.escape], .unzoom, .everywhere, help: "z, esc", "zoom the focused panel to the full screen; esc leaves"),
        KeyBinding([.char("l")], .logScale, .everywhere, hint: ("l", "l"), "log", help: "l, m, t", Keymap.chartHelp),
        KeyBinding([.char("+"), .char("="), .char("-")], .zoomTime, .everywhere, help: "+ -, wheel", "time: the last half, quarter, … of the run (- back)"),
        KeyBinding([.char("i")], .imagesPage, .everywhere, help: "i", "images: reconstructions, prior samples, traversal of z_j"),
        KeyBinding([.char("b")], .branch, .everywhere,
                   help: "b", "KL panel: the live branch or an earlier one"),
        // Comparing runs.
        KeyBinding([.char("["), .char("]")], .selectRun, .comparing, hint: ("[ ]", "[ ]"), "focus run",
                   help: Keymap.compareKeys, Keymap.compareHelp),
        KeyBinding([.char("v")], .toggleRun, .comparing, help: Keymap.compareKeys, Keymap.compareHelp),
        KeyBinding([.char("n")], .compareMetric, .comparing, hint: ("n", "n"), "metric", help: Keymap.compareKeys, Keymap.compareHelp),
        KeyBinding([.char("d")], .klDifference, .comparing, help: Keymap.compareKeys, Keymap.compareHelp),
        KeyBinding([.char("o"), .char("O")], .sortRuns, .comparing, help: Keymap.compareKeys, Keymap.compareHelp),
        KeyBinding([.char("m")], .smoothing, .everywhere, hint: ("m", "m"), "smooth", help: "l, m, t", Keymap.chartHelp),
        KeyBinding([.char("t")], .theme, .everywhere, hint: ("t", "t"), "theme", help: "l, m, t", Keymap.chartHelp),
        KeyBinding([.char("?"), .function(1)], .help, .everywhere, hint: ("?", "?"), "help", help: "?, F1", "this help (? or esc closes it)"),
        KeyBinding([.char("q"), .ctrl("c"), .function(10)], .quit, .everywhere, hint: ("q", "q"), "quit",
                   help: "q, F10", "quit (asks while training runs)"),
    ]

    /// The keys of each modal interaction: the reducer reads these, and the prompts' hints derive from them. Other
    /// keys are the typed text (typing) or "no" (a question).
    static let modal: [KeyBinding] = [
        KeyBinding([.enter], .submit, .typing, hint: ("⏎", "enter"), "apply", help: "⏎", "send the typed value (validated)"),
        KeyBinding([.escape], .cancel, .typing, hint: ("esc", "esc"), "cancel", help: "esc", "cancel: nothing changes"),
        KeyBinding([.backspace], .erase, .typing, help: "⌫", "delete the last character"),
        KeyBinding([.enter], .submit, .filtering, hint: ("⏎", "enter"), "keep", help: "⏎", "keep the filter"),
        KeyBinding([.escape], .cancel, .filtering, hint: ("esc", "esc"), "clear", help: "esc", "clear the filter"),
        KeyBinding([.backspace], .erase, .filtering, help: "⌫", "delete the last character"),
        KeyBinding([.char("y"), .char("Y"), .enter], .confirm, .confirming, hint: ("y", "y"), "yes", help: "y, ⏎",
                   "yes (any other key: no)"),
        KeyBinding([.char("?"), .escape, .char("q")], .closeHelp, .overHelp, help: "?, esc, q", "close the help"),
    ]

    /// The action `key` triggers in a modal interaction, if any.
    static func modalAction(for key: Key, in scope: KeyBinding.Scope) -> KeyBinding.Action? {
        modal.first { $0.scope == scope && $0.keys.contains(key) }?.action
    }

    /// A modal interaction's hints ("⏎ apply  esc cancel").
    static func modalHints(_ scope: KeyBinding.Scope, ascii: Bool) -> String {
        modal.filter { $0.scope == scope }.compactMap { b in b.hintKeys.map { "\(ascii ? $0.ascii : $0.unicode) \(b.hint)" } }
            .joined(separator: "  ")
    }

    /// The pseudo-capability of the knob keys: whether the trainer takes any of the knobs' values.
    public static let knobsCapability = "knobs"

    /// The replay speeds, from `ReplayStatus.speeds`.
    static let speedHelp = "replay: slower / faster (\(ReplayStatus.label(ReplayStatus.speeds[0])) … "
        + "\(ReplayStatus.label(ReplayStatus.speeds[ReplayStatus.speeds.count - 2])), max)"

    /// The comparison's keys share one help line (the overlay fits 80×24).
    static let compareKeys = "[ ] v n d o"
    static let compareHelp = "runs: [ ] focus, v show/hide, n metric, d KL diff, o/O sort"

    /// Log scale and smoothing share one help line.
    static let chartHelp = "log scale of the focused chart; m smoothing; t theme"

    /// The rewind cursor's keys share one help line.
    static let rewindKeys = "in rewind"
    static let rewindHelp = "← → home end: pick a snapshot, ⏎ go back there, esc leave"

    /// The shared keys that work while the rewind cursor is up (esc leaves the cursor, it does not unzoom).
    static let sharedWhileRewinding: [KeyBinding.Action] = [.zoom, .logScale, .theme, .help, .quit]

    /// Whether a binding applies in a mode (live training and following another process both steer a trainer);
    /// while the rewind cursor is up, its keys and the shared ones apply.
    static func applies(_ b: KeyBinding, in mode: AppState.Mode, rewinding: Bool = false, focus: Panel? = nil) -> Bool {
        if case .focused(let p) = b.scope { return !rewinding && focus == p && mode != .rangeTest }
        if rewinding { return b.scope == .rewinding || (b.scope == .everywhere && sharedWhileRewinding.contains(b.action)) }
        switch b.scope {
        case .everywhere: return true
        case .training: return mode == .live || mode == .follow
        case .replay: return mode == .replay
        case .rangeTest: return mode == .rangeTest
        case .rewinding: return false
        case .comparing: return mode == .replay || mode == .follow
        case .focused, .typing, .filtering, .confirming, .overHelp: return false
        }
    }

    /// The binding a key triggers in a mode with a panel focused, if any (the focused panel's keys first).
    public static func binding(for key: Key, in mode: AppState.Mode, rewinding: Bool = false, focus: Panel? = nil) -> KeyBinding? {
        bindings.first { applies($0, in: mode, rewinding: rewinding, focus: focus) && $0.keys.contains(key) }
    }

    /// The hint bar of a mode: its own bindings first, then the shared ones (the range test keeps only a few).
    public static func hints(for mode: AppState.Mode, ascii: Bool, rewinding: Bool = false, steering: Bool = true, comparing: Bool = false,
                             can: (String) -> Bool = { _ in true }) -> [(key: String, word: String)] {
        // A run that has ended takes no steering keys, nor a key its trainer cannot honour: the hint bar stops offering them.
        let own = bindings.filter { $0.scope != .everywhere && applies($0, in: mode, rewinding: rewinding) && (steering || $0.scope != .training)
            && (comparing || $0.scope != .comparing)
            && $0.action.capability.map(can) ?? true }
        var shared = bindings.filter { $0.scope == .everywhere && applies($0, in: mode, rewinding: rewinding) }
        if mode == .rangeTest { shared = shared.filter { [.logScale, .theme, .help, .quit].contains($0.action) } }
        return (own + shared).compactMap { b in
            guard let k = b.hintKeys else { return nil }
            let word = mode == .rangeTest && b.action == .logScale ? "log loss" : b.hint
            return (ascii ? k.ascii : k.unicode, word)
        }
    }

    /// Help lines: one per distinct key column and text, in table order (all modes: the README's table).
    public static var helpLines: [(keys: String, text: String)] { lines(bindings) }
    /// u and g share a help line: undo, and re-arming the guards an undo of their repair quieted.
    static let undoHelp = "undo the last change; g re-arms guards an undo quieted"

    /// The help overlay of a mode: only the keys that work there, so it fits an 80×24 terminal.
    public static func helpLines(for mode: AppState.Mode) -> [(keys: String, text: String)] {
        lines(bindings.filter {
            applies($0, in: mode) || ($0.scope == .rewinding && (mode == .live || mode == .follow))
                || ({ if case .focused = $0.scope { return mode != .rangeTest } else { return false } }($0))
        })
    }

    static func lines(_ bs: [KeyBinding]) -> [(keys: String, text: String)] {
        var seen = Set<String>(), out: [(String, String)] = []
        for b in bs where seen.insert(b.helpKeys + b.help).inserted { out.append((b.helpKeys, b.help)) }
        // The panels' own lines go last, after the keys that work everywhere.
        let focused = Panel.registry.flatMap(\.keys).map(\.helpKeys)
        return out.filter { !focused.contains($0.0) } + out.filter { focused.contains($0.0) }
    }

    /// The README's key table (Markdown), generated from the bindings.
    public static var markdownTable: String {
        (["| key | does |", "| --- | --- |"] + helpLines.map { "| \($0.keys) | \($0.text) |" }).joined(separator: "\n")
    }
}
