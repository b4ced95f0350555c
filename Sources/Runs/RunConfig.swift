/// Everything that defines a training run; written in full into the run file's header.
public struct RunConfig: Codable, Sendable, Equatable {
    /// Data folder in torchvision's layout, or nil for the embedded MNIST subset.
    public var data: String? = nil
    /// Encoder hidden widths, input side first.
    public var encoder: [Int] = [400]
    /// Latent dimensions.
    public var latent: Int = 20
    /// Decoder hidden widths, latent side first.
    public var decoder: [Int] = [400]
    /// Decoder likelihood.
    public var likelihood: Likelihood = .bernoulli
    /// Training epochs.
    public var epochs: Int = 10
    /// Mini-batch size.
    public var batchSize: Int = 128
    /// Batch size the lr was tuned for; the linear scaling rule multiplies lr by batchSize / baseBatchSize.
    public var baseBatchSize: Int = 128
    /// Apply the linear lr scaling rule when the batch size differs from `baseBatchSize`.
    public var scaleLR: Bool = false
    /// Seed of weights, data order and noise.
    public var seed: UInt64 = 1
    /// Trainer threads: each batch is split over this many workers, each calling single-threaded OpenBLAS.
    public var threads: Int = 1
    /// Evaluate on the test split every this many steps; 0 means once per epoch. Always at the end too.
    public var evalEvery: Int = 0
    /// Write a checkpoint every this many steps; 0 means only at the end.
    public var checkpointEvery: Int = 0
    /// Take an in-memory snapshot of the training state every this many steps (0: only before changes, at
    /// evaluations and at the start); `u` and `r` go back to them.
    public var snapshotEvery: Int = 50
    /// Megabytes the in-memory snapshots may hold at most; older ones are thinned out to stay within it (0: no
    /// snapshots). The budget is this or `snapshotCount` snapshots' worth, whichever is less.
    public var snapshotMemory: Int = 256
    /// Snapshots' worth of memory the ring may hold (the budget sized to the model: a snapshot is the weights and
    /// the optimizer state, 12 bytes per parameter with Adam: 7.5 MB for the default model, 240 MB for 32).
    public var snapshotCount: Int = 32
    /// Pause with an alert after this many consecutive non-finite steps.
    public var nanPatience: Int = 10
    /// A dimension whose batch KL stays below this many nats counts as collapsed.
    public var collapseThreshold: Double = 0.01
    /// The IWAE bound at the end of a run (Burda et al. 2016): importance samples per image (0: none), over the first
    /// `iwaeImages` test images (`vaetop eval --iwae-k 5000` gives the full estimate papers report).
    public var iwaeK: Int = 100
    public var iwaeImages: Int = 1000
    /// The guards: rules that repair divergence, spikes, collapse and plateaus (`docs/guards.md`).
    public var guards: GuardsConfig = .init()
    /// Optimizer and its hyperparameters.
    public var optimizer: OptimizerConfig = .init()
    /// Learning-rate schedule.
    public var lrSchedule: LRScheduleConfig = .init()
    /// KL weight schedule.
    public var betaSchedule: BetaScheduleConfig = .init()
    /// Free-bits floor λ in nats per latent dimension (0 = off).
    public var freeBits: Double = 0
    /// Gradient clipping.
    public var clip: ClipConfig = .init()
    /// The model: a plain VAE, or a VAE-GAN (Larsen et al. 2016).
    public var model: Model = .vae
    /// VAE-GAN settings (used when `model` is `.vaeGAN`).
    public var gan: GANConfig = .init()

    public init() {}

    /// Steps in one epoch of `trainImages` images at the configured batch size (the last batch may be smaller).
    public func stepsPerEpoch(trainImages: Int) -> Int { (trainImages + batchSize - 1) / batchSize }

    /// The steps the schedules plan for: epochs × steps per epoch. Every planned-step count derives from this.
    /// Epochs of a run trained on the screen without --epochs: long enough to pause, turn the knobs and watch the
    /// effect (7,200 steps of the embedded subset, about two minutes on a 2-core machine). Headless runs keep
    /// `epochs`' default (the PyTorch example's 10).
    public static let screenEpochs = 200

    public func plannedSteps(stepsPerEpoch: Int) -> Int { stepsPerEpoch * epochs }

    /// Model families.
    public enum Model: String, Codable, Sendable, CaseIterable {
        case vae
        case vaeGAN = "vae-gan"
    }

    /// Decoder likelihoods.
    public enum Likelihood: String, Codable, Sendable, CaseIterable {
        /// Bernoulli on logits: binary cross-entropy summed over pixels.
        case bernoulli
        /// Unit-variance Gaussian: ½·Σ(x − μ)² (the MSE option).
        case gaussian
    }
}

/// Optimizer choice and hyperparameters (PyTorch's names and defaults).
public struct OptimizerConfig: Codable, Sendable, Equatable {
    /// Optimizer family.
    public enum Kind: String, Codable, Sendable, CaseIterable { case sgd, adam, adamw, radam }
    public var kind: Kind = .adam
    /// Learning rate before schedules.
    public var lr: Double = 1e-3
    /// Adam-family β1.
    public var beta1: Double = 0.9
    /// Adam-family β2.
    public var beta2: Double = 0.999
    /// Adam-family ε.
    public var eps: Double = 1e-8
    /// Weight decay; nil means the optimizer's default (0, or 1e-2 for AdamW).
    public var weightDecay: Double? = nil
    /// SGD momentum.
    public var momentum: Double = 0
    /// SGD dampening.
    public var dampening: Double = 0
    /// SGD Nesterov momentum.
    public var nesterov: Bool = false
    /// Adam/AdamW AMSGrad variant.
    public var amsgrad: Bool = false
    /// RAdam with decoupled (AdamW-style) weight decay.
    public var decoupledWeightDecay: Bool = false

    public init() {}

    /// The weight decay in force.
    public var effectiveWeightDecay: Double { weightDecay ?? (kind == .adamw ? 1e-2 : 0) }
}

/// VAE-GAN (Larsen et al. 2016): an MLP discriminator whose hidden layer measures reconstruction.
public struct GANConfig: Codable, Sendable, Equatable {
    /// Width of the discriminator's hidden (feature) layer.
    public var hidden: Int = 256
    /// Weight γ of the feature-wise reconstruction in the decoder's objective.
    public var gamma: Double = 1
    /// The discriminator's Adam learning rate (constant).
    public var discriminatorLR: Double = 1e-4
    /// Equilibrium rule: skip the discriminator update when its loss per image is below ln 2 − margin, the
    /// decoder's adversarial update when above ln 2 + margin.
    public var equilibrium: Bool = false
    public var margin: Double = 0.35
    /// Freeze the discriminator (no updates).
    public var freezeDiscriminator: Bool = false
    public init() {}
}

/// Gradient clipping (both may be on; value clipping runs first, as in a loop calling both utilities).
public struct ClipConfig: Codable, Sendable, Equatable {
    /// Clip the global L2 norm to this value (nil = off).
    public var maxNorm: Double? = nil
    /// Clip every gradient element to ±value (nil = off).
    public var value: Double? = nil
    public init() {}
}

/// KL-weight (β) schedule.
public struct BetaScheduleConfig: Codable, Sendable, Equatable {
    /// Schedule families.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case constant, linear, cyclical
        /// Capacity annealing (Burgess et al. 2018): objective recon + γ·|KL − C|, C growing linearly to C_max.
        case capacity
    }
    /// Ramp shapes of cyclical annealing.
    public enum Ramp: String, Codable, Sendable, CaseIterable { case linear, cosine, sigmoid }
    /// Whose rule a cosine or sigmoid ramp follows when the target is not 1. `vaetop`: the shape scaled to the
    /// target, target·shape(v/target), so the ramp ends at the target and β holds it. `fu`: Fu et al.'s
    /// frange_cycle_cosine/sigmoid exactly, the shape of the raw value v and 1 between ramps (stop 0.9's sigmoid ramp
    /// ends at 0.991, then β is 1).
    public enum RampRule: String, Codable, Sendable, CaseIterable { case vaetop, fu }

    public var kind: Kind = .constant
    /// Target β.
    public var target: Double = 1
    /// β at step 0 of a linear or cyclical ramp.
    public var start: Double = 0
    /// Linear warmup length in steps; 0 means the first quarter of the run.
    public var warmupSteps: Int = 0
    /// Number of cycles of cyclical annealing over the run.
    public var cycles: Int = 4
    /// Fraction of each cycle spent ramping (the rest holds the target).
    public var ratio: Double = 0.5
    /// Ramp shape of cyclical annealing.
    public var ramp: Ramp = .linear
    /// How a cosine or sigmoid ramp meets a target other than 1 (linear ramps are the same either way).
    public var rampLike: RampRule = .vaetop
    /// Capacity annealing: the final capacity C_max in nats.
    public var capacityMax: Double = 25
    /// Capacity annealing: steps over which C grows from 0 to C_max (0 means the whole run).
    public var capacitySteps: Int = 0
    /// Capacity annealing: the weight γ of |KL − C|.
    public var capacityGamma: Double = 100

    public init() {}
}
