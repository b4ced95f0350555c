/// The images panel's pages.
public enum ImagesPage: Int, CaseIterable, Sendable {
    /// Test digits, each beside its reconstruction.
    case reconstructions
    /// Decoded draws from the prior.
    case samples
    /// The selected latent dimension swept over −3 … 3, for a test digit and a prior draw.
    case traversal

    /// The next page (`i`).
    var next: ImagesPage { ImagesPage(rawValue: (rawValue + 1) % Self.allCases.count)! }
}
