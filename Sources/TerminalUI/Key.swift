/// A decoded key press.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backTab, backspace
    case function(Int)
    /// Ctrl + letter (lowercase).
    case ctrl(Character)
}
