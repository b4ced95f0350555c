/// Ranges, labels and starting values of the live-changeable hyperparameters, shared by the trainer (which enforces
/// them) and the screen (which refuses a typed value before sending it); the ranges are the settings table's.
extension Hyperparameter {
    /// The configuration field whose range a live value keeps: the knob's own row, or for the two overrides of a
    /// scheduled value (β, β1/momentum) the row of what they override.
    public var setting: Setting {
        guard let s = Self.settings[self] else { preconditionFailure("no setting for \(self)") }
        return s
    }

    /// Each hyperparameter's row, found once.
    private static let settings: [Hyperparameter: Setting] = Dictionary(uniqueKeysWithValues: allCases.map { p in
        switch p {
        case .beta: return (p, RunConfig.setting("betaSchedule.target"))
        case .momentum: return (p, RunConfig.setting("optimizer.momentum"))
        default:
            guard let s = RunConfig.settings.first(where: { $0.live == p }) else { preconditionFailure("no setting for \(p)") }
            return (p, s)
        }
    })

    /// Whether the value must be a whole number (the batch size) or a switch (0 or 1).
    var isWhole: Bool {
        switch setting.value {
        case .int, .optionalInt, .bool: return true
        default: return false
        }
    }

    /// The live range as people write it: "(0, 10]", "a whole number in 1…4096", "0 or 1".
    public var rangeText: String {
        if case .bool = setting.value { return "0 or 1" }
        let text = setting.bound.text ?? "any number"
        return isWhole ? "a whole number in \(text)" : text
    }

    /// nil when `v` is acceptable, else the reason.
    public func problem(with v: Double) -> String? {
        guard v.isFinite else { return "\(label): \(v) is not a finite number" }
        if case .bool = setting.value { return v == 0 || v == 1 ? nil : "\(label) must be 0 or 1, got \(v)" }
        return setting.bound.problem(v, whole: isWhole).map { "\(label) \($0)" }
    }

    /// Only a VAE-GAN has it.
    public var isGANOnly: Bool { self == .gamma || self == .discriminatorLR || self == .freezeDiscriminator }

    /// The value it starts at in a run of configuration `c` (nil: off, or left to a schedule).
    public func initialValue(in c: RunConfig) -> Double? {
        switch self {
        case .beta: return c.betaSchedule.kind == .constant ? c.betaSchedule.target : c.betaSchedule.start
        case .momentum: return nil   // the schedule's (cycled or the optimizer's β1/momentum)
        case .weightDecay: return c.optimizer.effectiveWeightDecay
        default: return setting.number(c)
        }
    }

    /// The starting value of every hyperparameter the run has.
    public static func initialValues(in c: RunConfig) -> [Hyperparameter: Double] {
        var out: [Hyperparameter: Double] = [:]
        for p in allCases where c.model == .vaeGAN || !p.isGANOnly { out[p] = p.initialValue(in: c) }
        return out
    }

    /// Short name for screens and logs.
    public var label: String {
        switch self {
        case .lr: return "lr"
        case .beta: return "β"
        case .betaTarget: return "β target"
        case .freeBits: return "free bits λ"
        case .clipNorm: return "clip norm"
        case .clipValue: return "clip value"
        case .weightDecay: return "weight decay"
        case .batchSize: return "batch size"
        case .momentum: return "β1/momentum"
        case .gamma: return "γ (feature recon)"
        case .discriminatorLR: return "disc lr"
        case .freezeDiscriminator: return "freeze disc"
        }
    }
}

extension Hyperparameter {
    /// Whether the value is a switch (1 on, 0 off) rather than a number.
    public var isSwitch: Bool { self == .freezeDiscriminator }

    /// A value as the knobs and the event log show it: "on" / "off" for a switch, else the number ("0.001").
    public func text(_ v: Double) -> String { isSwitch ? (v != 0 ? "on" : "off") : v.compact }
}
