import Runs

extension SourceUpdate {
    /// The update with `events` after its own (a reset keeps them after the events it rebuilds from).
    public func appending(_ events: [RunEvent]) -> SourceUpdate {
        guard !events.isEmpty else { return self }
        switch self {
        case .none: return .events(events)
        case .events(let e): return .events(e + events)
        case .reset(let e): return .reset(e + events)
        }
    }
}
