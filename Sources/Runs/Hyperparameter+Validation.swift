/// Ranges of the live-changeable hyperparameters, shared by the trainer (which enforces them) and the
/// screen (which refuses a typed value before sending it).
extension Hyperparameter {
    /// nil when `v` is acceptable, else the reason.
    public func problem(with v: Double) -> String? {
        guard v.isFinite else { return "\(label): \(v) is not a finite number" }
        switch self {
        case .lr: return v > 0 && v <= 10 ? nil : "lr must be in (0, 10], got \(v)"
        case .beta: return v >= 0 && v <= 1000 ? nil : "beta must be in [0, 1000], got \(v)"
        case .betaTarget: return v >= 0 && v <= 1000 ? nil : "beta target must be in [0, 1000], got \(v)"
        case .freeBits: return v >= 0 && v <= 10 ? nil : "free bits λ must be in [0, 10] nats, got \(v)"
        case .clipNorm: return v >= 0 ? nil : "clip norm must be ≥ 0 (0 turns clipping off), got \(v)"
        case .clipValue: return v >= 0 ? nil : "clip value must be ≥ 0 (0 turns it off), got \(v)"
        case .weightDecay: return v >= 0 && v < 1 ? nil : "weight decay must be in [0, 1), got \(v)"
        case .batchSize:
            let r = RunConfig.batchSizeRange
            return v >= Double(r.lowerBound) && v <= Double(r.upperBound) && v == v.rounded() ? nil
                : "batch size must be a whole number in \(r.lowerBound)…\(r.upperBound), got \(v)"
        case .momentum: return v >= 0 && v < 1 ? nil : "β1/momentum must be in [0, 1), got \(v)"
        case .gamma: return v >= 0 && v <= 1e6 ? nil : "γ must be in [0, 1000000], got \(v)"
        case .discriminatorLR: return v > 0 && v <= 10 ? nil : "discriminator lr must be in (0, 10], got \(v)"
        case .freezeDiscriminator: return v == 0 || v == 1 ? nil : "freeze must be 0 or 1, got \(v)"
        }
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
