/// The panels of the screen, in focus order (keys 1–8).
public enum Panel: Int, CaseIterable, Sendable {
    case loss, beta, lr, kl, grads, images, knobs, log

    public var title: String {
        switch self {
        case .loss: return "loss (nats per image)"
        case .beta: return "β (KL weight)"
        case .lr: return "learning rate"
        case .kl: return "KL per latent dimension"
        case .grads: return "gradient norm"
        case .images: return "reconstructions · samples"
        case .knobs: return "hyperparameters"
        case .log: return "events"
        }
    }

    /// The title in a narrow panel.
    public var shortTitle: String {
        switch self {
        case .loss: return "loss"
        case .beta: return "β"
        case .lr: return "lr"
        case .kl: return "KL per dim"
        case .grads: return "grad norm"
        case .images: return "images"
        case .knobs: return "knobs"
        case .log: return "events"
        }
    }

    /// Whether the panel is a chart with a log-scale toggle.
    public var hasLogScale: Bool { [.loss, .beta, .lr, .kl, .grads].contains(self) }
}
