/// What is wrong with a guard rule's text (one line, naming the part).
public enum GuardRuleError: Error, Equatable, CustomStringConvertible {
    case empty
    case unknownPart(String)
    case badNumber(part: String, expected: String)
    case duplicate(String)
    case notForTrigger(part: String, trigger: GuardRule.Trigger)
    case noAction
    case stopNotAlone
    case pauseNotLast
    case rewindNotFirst
    case offNotAlone

    public var description: String {
        switch self {
        case .empty: return "empty rule (give actions such as rewind,lr*0.5,max=3, or off)"
        case .unknownPart(let p):
            return "unknown part '\(p)' (actions: rewind, skip=N, lr*F, beta*F, free-bits+X, clip=X, restart-cycle, pause, stop; "
                + "parameters: max=N, and k=X, window=N for spike, patience=N, threshold=X, cooldown=N for plateau)"
        case .badNumber(let p, let e): return "'\(p)': \(e)"
        case .duplicate(let p): return "'\(p)' is given twice"
        case .notForTrigger(let p, let t): return "'\(p)' does not apply to \(t.flag)"
        case .noAction: return "no action (parameters alone do nothing; give e.g. rewind or lr*0.5, or off)"
        case .stopNotAlone: return "stop ends the run: it cannot be combined with other actions"
        case .pauseNotLast: return "pause must be the last action"
        case .rewindNotFirst: return "rewind must be the first action (the others act on the state it goes back to)"
        case .offNotAlone: return "off turns the rule off: it cannot be combined with anything"
        }
    }
}
