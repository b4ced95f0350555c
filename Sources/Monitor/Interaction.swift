/// What the keyboard is doing: one value, so two modal states can never be on at once (typing a value while the
/// help is open, a fork question under a quit question). `Reducer.key` dispatches on it first.
public indirect enum Interaction: Sendable, Equatable {
    /// Keys go through the keymap.
    case normal
    /// Typing an exact value for the selected knob (⏎ sends it, esc cancels).
    case typing(String)
    /// Typing the event log's filter after `/` (⏎ keeps it, esc clears it).
    case filtering(String)
    /// The help overlay, over what was going on (esc returns to it).
    case help(over: Interaction)
    /// "Training is running: stop and quit? y / n".
    case confirmingQuit
    /// "Fork: train a new run from the checkpoint at step N into FOLDER? y / n".
    case confirmingFork(ForkOffer)
    /// The rewind cursor is on the charts at this step.
    case rewinding(step: Int)

    /// The interaction under the help overlay (itself when the help is not open).
    public var underHelp: Interaction {
        if case .help(let over) = self { return over.underHelp }
        return self
    }
}
