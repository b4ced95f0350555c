/// Who made a change (`ParameterChange.source` holds the raw value; another writer may use a word of its own).
public enum ChangeSource: String, Sendable, CaseIterable {
    /// vaetop's keyboard, steering its own trainer in process.
    case keyboard
    /// A trainer in another process applying a command from `vaetop watch` (the Python client).
    case client
    /// `vaetop train --fork`: the fork's knob flags, applied at its first step.
    case fork
    /// The values an undo or a rewind brought back.
    case undo, rewind
    /// A guard's repair (`docs/guards.md`): the change record names the rule and why it fired.
    case guardRule = "guard"

    /// Whether the change is the answer to a command the screen sent.
    public var answersCommand: Bool { self == .keyboard || self == .client }
}

extension ParameterChange {
    /// The source as a known value (nil: another writer's own word).
    public var origin: ChangeSource? { ChangeSource(rawValue: source) }
}
