import Runs
import TensorCore

/// Everything besides the weights and optimizer buffers that a resumed run needs to continue bit for bit: the
/// metadata of checkpoint format 3 (`TrainerSnapshot.Format2` reads the earlier one).
public struct TrainerSnapshot: Codable, Sendable, Equatable {
    public var config: RunConfig
    public var stepsDone: Int
    public var epoch: Int
    public var position: Int
    public var permutation: [Int]
    public var noiseRNG: RandomSource
    public var dataRNG: RandomSource
    public var knobs: Knobs
    public var trainSeconds: Double
    public var samplesSeen: Int
    public var nanStreak: Int
    /// Names of the float buffers that follow the metadata, in order (`TrainingStatePart.stateBuffers`).
    public var buffers: [String]
    /// Each optimizer's counters by its name (`ModelStep.optimizers`: `vae`; VAE-GAN's `encoder`, `decoder`,
    /// `discriminator`, whose updates may be skipped).
    public var optimizers: [String: OptimizerCounters]
}

extension TrainerSnapshot {
    /// The trainer's own fields; the data loader's and the model family's are filled in by them
    /// (`TrainingStatePart.capture`).
    package init(config: RunConfig, stepsDone: Int, noiseRNG: RandomSource, knobs: Knobs, trainSeconds: Double, samplesSeen: Int,
         nanStreak: Int, buffers: [String]) {
        self.config = config; self.stepsDone = stepsDone; self.noiseRNG = noiseRNG; self.knobs = knobs
        self.trainSeconds = trainSeconds; self.samplesSeen = samplesSeen; self.nanStreak = nanStreak; self.buffers = buffers
        epoch = 1; position = 0; permutation = []; dataRNG = noiseRNG; optimizers = [:]
    }
}

/// The live-changeable hyperparameters and overrides.
public struct Knobs: Codable, Sendable, Equatable {
    /// Multiplies the scheduled lr (set by an lr override: new / scheduled).
    public var lrMultiplier: Double = 1
    /// Replaces the β schedule while set.
    public var betaOverride: Double? = nil
    /// Replaces the β1/momentum schedule while set.
    public var momentumOverride: Double? = nil
    public var freeBits: Double
    public var clipNorm: Double?
    public var clipValue: Double?
    public var weightDecay: Double
    public var batchSize: Int
    public var betaTarget: Double
    /// VAE-GAN: γ, the discriminator's lr, and whether it is frozen.
    public var gamma: Double
    public var discriminatorLR: Double
    public var freezeDiscriminator: Bool
    /// A guard's `restart-cycle`: the step the cyclical β ramp started again at (nil: the schedule's own cycles).
    public var betaRestart: Int? = nil

    /// The knobs at the start of a run: each hyperparameter's starting value (`Hyperparameter.initialValue`).
    public init(config c: RunConfig) {
        func v(_ p: Hyperparameter) -> Double? { p.initialValue(in: c) }
        // Only clipping can be off; every other knob's row is a plain number or switch.
        freeBits = v(.freeBits)!; clipNorm = v(.clipNorm); clipValue = v(.clipValue)
        weightDecay = v(.weightDecay)!; batchSize = Int(v(.batchSize)!); betaTarget = v(.betaTarget)!
        gamma = v(.gamma)!; discriminatorLR = v(.discriminatorLR)!; freezeDiscriminator = v(.freezeDiscriminator) == 1
    }
}
