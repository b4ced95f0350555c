import Runs

/// Layer sizes of an MLP VAE.
public struct Architecture: Sendable, Equatable {
    public var input: Int
    public var encoder: [Int]
    public var latent: Int
    public var decoder: [Int]
    public var likelihood: RunConfig.Likelihood

    public init(input: Int = 784, encoder: [Int] = [400], latent: Int = 20, decoder: [Int] = [400],
                likelihood: RunConfig.Likelihood = .bernoulli) {
        self.input = input; self.encoder = encoder; self.latent = latent; self.decoder = decoder
        self.likelihood = likelihood
    }

    /// Layer names in gradient-norm order: enc1…, mu, logvar, dec1…, out.
    public var layerNames: [String] {
        encoder.indices.map { "enc\($0 + 1)" } + ["mu", "logvar"] + decoder.indices.map { "dec\($0 + 1)" } + ["out"]
    }
}
