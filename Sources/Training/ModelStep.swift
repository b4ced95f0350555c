import Runs
import TensorCore

/// One optimizer step of a model family (forward, backward, clipping, its optimizers' updates), as llm.c's
/// `gpt2_forward/backward/update` or a PyTorch loop's body. It owns its workspaces and optimizers; the trainer owns
/// the schedules and the records.
package protocol ModelStep: TrainingStatePart {
    /// The batch it trains when `requested` images are available (VAE-GAN: at most its workspace's capacity).
    func batch(for requested: Int) -> Int
    /// Whether its records carry the β1/momentum in force (VAE-GAN's records never did).
    var recordsMomentum: Bool { get }
    /// Trains on the loader's next `batch` images with noise from `noise`; the loader is not advanced.
    func train(batch: Int, loader: DataLoader, noise: inout RandomSource, objective: Objective, hyper: StepHyperparameters,
               knobs: Knobs) -> StepResult
    /// Grows the workspaces so a batch of `batch` images fits.
    func ensureCapacity(_ batch: Int)
    /// Its networks' weights, named: `params` (the VAE's, in `header.layers` order) first.
    var weights: [(String, Buffer<Float>)] { get }
    /// Its optimizers, each by the name its state has in a checkpoint (`vae`; `encoder`, `decoder`, `discriminator`).
    var optimizers: [(String, any Optimizer)] { get }
}

/// What a step measured (per image), or why it could not train.
package enum StepResult {
    case trained(StepMeasurement)
    /// The loss or a gradient was not finite: no weight changed.
    case nonFinite(String)
}

/// The numbers of one trained step, before they become a record.
package struct StepMeasurement {
    package var loss: Double, recon: Double, kl: Double
    /// The KL term the objective used (free bits); nil when free bits are off.
    package var klObjective: Double?
    package var klDims: [Float]
    package var gradNorm: Double, gradNormClipped: Double, clipCoef: Double
    package var layerGradNorms: [Float]
    /// The objective the step applied (VAE-GAN: β only).
    package var applied: Objective
    package var gan: GANStepMetrics?
}
