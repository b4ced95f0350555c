/// A per-step history the screen keeps (one array of numbers each), fed by the record field that names it.
public enum StepSeries: Int, CaseIterable, Sendable {
    case loss, recon, kl, beta, lr, momentum, capacity, gradNorm, gradClipped
    /// VAE-GAN: the three networks' losses and D's mean outputs (kept only for VAE-GAN runs).
    case ganEncoder, ganDecoder, ganDiscriminator, dReal, dFake, dPrior
}
