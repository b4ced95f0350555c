/// What a trainer in another process did with one command of `commands.jsonl`: every command line gets exactly
/// one, so an acknowledgement always means the change happened (or says why not).
public struct CommandOutcome: Codable, Sendable, Equatable {
    /// What became of the command.
    public enum Result: String, Codable, Sendable, CaseIterable {
        /// Done; `from` is the first step trained with it.
        case applied
        /// Not done: the command was malformed or its value out of range (`reason`).
        case refused
        /// Not done: the loop registered no way to do it (`reason`).
        case unsupported
    }

    /// Steps done when the command was handled.
    public var step: Int
    /// The command line's id (absent: the line had none it could use).
    public var id: Int?
    /// The command's name (`set`, `pause`, …; absent: the line named none the trainer knows).
    public var command: String?
    /// The hyperparameter of a `set` or `clear` (as the command named it).
    public var parameter: String?
    public var outcome: Result
    /// For an applied command, the first step trained with it.
    public var from: Int?
    /// Why it was refused or is unsupported; for an applied one, an optional detail.
    public var reason: String?

    public init(step: Int, id: Int?, command: String?, parameter: String? = nil, outcome: Result, from: Int? = nil, reason: String? = nil) {
        self.step = step; self.id = id; self.command = command; self.parameter = parameter
        self.outcome = outcome; self.from = from; self.reason = reason
    }

    /// The command in a few words: "set lr", "undo", "command 7".
    public var subject: String {
        switch (command, parameter) {
        case let (c?, p?): return "\(c) \(p)"
        case let (c?, nil): return c
        default: return id.map { "command \($0)" } ?? "a command line"
        }
    }
}
