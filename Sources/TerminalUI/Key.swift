/// A decoded key press.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace
    case function(Int)
    /// Ctrl + letter (lowercase).
    case ctrl(Character)
}

extension Key {
    /// The key as the screen names it in messages.
    public var name: String {
        switch self {
        case .char(let c): return "'\(c)'"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "home"
        case .end: return "end"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .enter: return "⏎"
        case .escape: return "esc"
        case .tab: return "tab"
        case .backTab: return "shift-tab"
        case .backspace: return "backspace"
        case .function(let n): return "F\(n)"
        case .ctrl(let c): return "ctrl-\(c)"
        }
    }
}
