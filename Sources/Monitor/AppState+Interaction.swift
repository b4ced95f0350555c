/// Views of `AppState.interaction` by what each screen part asks: is the help open, what is being typed, where is
/// the rewind cursor. Setting one replaces the interaction (or, for the help, opens it over the current one).
extension AppState {
    /// The help overlay is open.
    public var showHelp: Bool {
        get { if case .help = interaction { return true }; return false }
        set {
            if newValue && !showHelp { interaction = .help(over: interaction) }
            if !newValue, case .help(let over) = interaction { interaction = over }
        }
    }

    /// Text being typed for the selected knob (nil: not typing).
    public var input: String? {
        get { if case .typing(let t) = interaction { return t }; return nil }
        set { set(newValue.map(Interaction.typing), leaving: input != nil) }
    }

    /// The filter being typed after `/` (nil: not typing).
    public var filterInput: String? {
        get { if case .filtering(let t) = interaction { return t }; return nil }
        set { set(newValue.map(Interaction.filtering), leaving: filterInput != nil) }
    }

    /// "Stop and quit?" is asked.
    public var confirmQuit: Bool {
        get { interaction == .confirmingQuit }
        set { set(newValue ? .confirmingQuit : nil, leaving: confirmQuit) }
    }

    /// A fork waiting for y / n: the replay position, the checkpoint's step and the new run's folder.
    public var confirmFork: ForkOffer? {
        get { if case .confirmingFork(let o) = interaction { return o }; return nil }
        set { set(newValue.map(Interaction.confirmingFork), leaving: confirmFork != nil) }
    }

    /// The rewind cursor's step on the time axis (nil: not choosing a snapshot); still shown under the help.
    public var rewindStep: Int? {
        get { if case .rewinding(let step) = interaction.underHelp { return step }; return nil }
        set {
            guard let newValue else { if rewindStep != nil { interaction = .normal }; return }
            interaction = .rewinding(step: newValue)
        }
    }

    /// Enters `next`, or (nil) leaves the current interaction when `leaving` says it is the one being left.
    private mutating func set(_ next: Interaction?, leaving: Bool) {
        if let next { interaction = next } else if leaving { interaction = .normal }
    }
}
