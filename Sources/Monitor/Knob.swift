import Runs

/// The hyperparameters the keyboard can change, in panel order.
public enum Knob: Int, CaseIterable, Sendable {
    case lr, beta, betaTarget, freeBits, clipNorm, weightDecay, batchSize, gamma, discriminatorLR, freezeDiscriminator

    /// The knobs a run offers: the VAE-GAN ones only for VAE-GANs.
    public static func available(gan: Bool) -> [Knob] {
        gan ? [.lr, .gamma, .discriminatorLR, .freezeDiscriminator, .weightDecay, .batchSize]
            : [.lr, .beta, .betaTarget, .freeBits, .clipNorm, .weightDecay, .batchSize]
    }

    public var parameter: Hyperparameter {
        switch self {
        case .lr: return .lr
        case .beta: return .beta
        case .betaTarget: return .betaTarget
        case .freeBits: return .freeBits
        case .clipNorm: return .clipNorm
        case .weightDecay: return .weightDecay
        case .batchSize: return .batchSize
        case .gamma: return .gamma
        case .discriminatorLR: return .discriminatorLR
        case .freezeDiscriminator: return .freezeDiscriminator
        }
    }

    /// The record field that shows the knob's value when another program wrote the run (`RunHeader.logged`); the
    /// knobs no step record carries count as not logged there.
    public var loggedAs: String? {
        switch self {
        case .lr: return "lr"
        case .beta: return "beta"
        case .freeBits: return "freeBits"
        case .batchSize: return "batchSize"
        case .clipNorm: return "clipCoef"
        case .betaTarget, .weightDecay: return "settings"
        case .gamma, .discriminatorLR, .freezeDiscriminator: return "gan"
        }
    }

    /// The knob's name in a narrow hyperparameter panel (the full `label` does not fit).
    public var shortLabel: String {
        switch self {
        case .lr: return "lr"
        case .beta: return "β"
        case .betaTarget: return "β tgt"
        case .freeBits: return "λ"
        case .clipNorm: return "clip"
        case .weightDecay: return "wd"
        case .batchSize: return "batch"
        case .gamma: return "γ"
        case .discriminatorLR: return "D lr"
        case .freezeDiscriminator: return "freeze D"
        }
    }

    /// The value one step up or down from `v`: ×1.25 for rates, ±0.05 nats for λ, ×2 for the batch size.
    public func stepped(_ v: Double, up: Bool) -> Double {
        switch self {
        case .freezeDiscriminator:
            return v >= 0.5 ? 0 : 1
        case .lr, .beta, .betaTarget, .clipNorm, .weightDecay, .gamma, .discriminatorLR:
            if v <= 0 { return up ? (self == .weightDecay ? 1e-4 : (self == .clipNorm ? 1 : 0.01)) : 0 }
            let next = up ? v * 1.25 : v / 1.25
            return (self != .lr && self != .discriminatorLR && next < 1e-4) ? 0 : next
        case .freeBits:
            return max(0, ((v + (up ? 0.05 : -0.05)) * 100).rounded() / 100)
        case .batchSize:
            return up ? min(4096, v * 2) : max(1, (v / 2).rounded(.down))
        }
    }
}
