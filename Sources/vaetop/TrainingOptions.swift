import ArgumentParser
import Foundation
import Runs

extension OptimizerConfig.Kind: ExpressibleByArgument {}
extension LRScheduleConfig.Kind: ExpressibleByArgument {}
extension LRScheduleConfig.CyclicMode: ExpressibleByArgument {}
extension LRScheduleConfig.Anneal: ExpressibleByArgument {}
extension BetaScheduleConfig.Kind: ExpressibleByArgument {}
extension BetaScheduleConfig.Ramp: ExpressibleByArgument {}
extension RunConfig.Likelihood: ExpressibleByArgument {}
extension RunConfig.Model: ExpressibleByArgument {}

/// Every flag's default is the configuration's own default (one declaration per value).
private let defaults = RunConfig()

/// The flags that define a training run (shared by train, schedule and the screen).
struct TrainingOptions: ParsableArguments {
    // The flags, in --help sections.
    @OptionGroup(title: "Model and data") var modelOptions: ModelOptions
    @OptionGroup(title: "Training") var loopOptions: LoopOptions
    @OptionGroup(title: "Optimizer and clipping") var optimizerOptions: OptimizerOptions
    @OptionGroup(title: "lr schedule (PyTorch's lr_scheduler)") var lrScheduleOptions: LRScheduleOptions
    @OptionGroup(title: "KL weight (beta) schedule and free bits") var betaOptions: BetaOptions
    @OptionGroup(title: "VAE-GAN (--model vae-gan)") var ganOptions: GANOptions

    /// Builds the run configuration and checks it against `RunConfig.problem()`, the ranges the reader checks too.
    func makeConfig() throws(ConfigError) -> RunConfig {
        var c = RunConfig()
        c.data = modelOptions.data
        c.encoder = try widths("--encoder", modelOptions.encoder)
        c.latent = modelOptions.latent
        c.decoder = try modelOptions.decoder.map { s throws(ConfigError) in try widths("--decoder", s) } ?? c.encoder.reversed()
        c.likelihood = modelOptions.likelihood
        c.epochs = loopOptions.epochs
        c.batchSize = loopOptions.batchSize
        c.baseBatchSize = loopOptions.baseBatchSize
        c.scaleLR = loopOptions.scaleLR
        c.seed = loopOptions.seed
        c.threads = loopOptions.threads
        c.evalEvery = loopOptions.evalEvery
        c.checkpointEvery = loopOptions.checkpointEvery
        c.snapshotEvery = loopOptions.snapshotEvery
        c.snapshotMemory = loopOptions.snapshotMemory
        c.snapshotCount = loopOptions.snapshotCount
        c.nanPatience = loopOptions.nanPatience

        c.optimizer.kind = optimizerOptions.optimizer
        c.optimizer.lr = optimizerOptions.lr
        c.optimizer.beta1 = optimizerOptions.beta1
        c.optimizer.beta2 = optimizerOptions.beta2
        c.optimizer.eps = optimizerOptions.eps
        c.optimizer.weightDecay = optimizerOptions.weightDecay
        c.optimizer.momentum = optimizerOptions.momentum
        c.optimizer.dampening = optimizerOptions.dampening
        c.optimizer.nesterov = optimizerOptions.nesterov
        c.optimizer.amsgrad = optimizerOptions.amsgrad
        c.optimizer.decoupledWeightDecay = optimizerOptions.decoupledWD

        var s = LRScheduleConfig()
        s.kind = lrScheduleOptions.lrSchedule
        s.stepSize = lrScheduleOptions.stepSize
        s.gamma = lrScheduleOptions.gamma
        s.milestones = try list("--milestones", lrScheduleOptions.milestones)
        s.tMax = lrScheduleOptions.tMax
        s.etaMin = lrScheduleOptions.etaMin
        s.t0 = lrScheduleOptions.t0
        s.tMult = lrScheduleOptions.tMult
        s.baseLR = lrScheduleOptions.baseLR
        s.maxLR = lrScheduleOptions.maxLR
        s.stepSizeUp = lrScheduleOptions.stepSizeUp
        s.stepSizeDown = lrScheduleOptions.stepSizeDown
        s.mode = lrScheduleOptions.cyclicMode
        s.cycleMomentum = !lrScheduleOptions.noCycleMomentum
        s.baseMomentum = lrScheduleOptions.baseMomentum
        s.maxMomentum = lrScheduleOptions.maxMomentum
        s.pctStart = lrScheduleOptions.pctStart
        s.divFactor = lrScheduleOptions.divFactor
        s.finalDivFactor = lrScheduleOptions.finalDivFactor
        s.anneal = lrScheduleOptions.anneal
        s.threePhase = lrScheduleOptions.threePhase
        s.totalSteps = lrScheduleOptions.totalSteps
        s.warmupSteps = lrScheduleOptions.warmupSteps
        s.warmupStartFactor = lrScheduleOptions.warmupStartFactor
        c.lrSchedule = s

        var b = BetaScheduleConfig()
        b.kind = betaOptions.betaSchedule
        b.target = betaOptions.beta
        b.start = betaOptions.betaStart
        b.warmupSteps = betaOptions.betaWarmup
        b.cycles = betaOptions.betaCycles
        b.ratio = betaOptions.betaRatio
        b.ramp = betaOptions.betaRamp
        b.capacityMax = betaOptions.capacityMax
        b.capacitySteps = betaOptions.capacitySteps
        b.capacityGamma = betaOptions.capacityGamma
        c.betaSchedule = b
        c.freeBits = betaOptions.freeBits
        let clipNorm = optimizerOptions.clipNorm, clipValue = optimizerOptions.clipValue
        if clipNorm < 0 || !clipNorm.isFinite { throw ConfigError(flag: "--clip-norm", message: "must be ≥ 0 (0 turns it off), got \(clipNorm)") }
        if clipValue < 0 || !clipValue.isFinite { throw ConfigError(flag: "--clip-value", message: "must be ≥ 0 (0 turns it off), got \(clipValue)") }
        c.clip.maxNorm = clipNorm > 0 ? clipNorm : nil
        c.clip.value = clipValue > 0 ? clipValue : nil
        c.model = modelOptions.model
        c.gan.hidden = ganOptions.ganHidden
        c.gan.gamma = ganOptions.ganGamma
        c.gan.discriminatorLR = ganOptions.discLR
        c.gan.equilibrium = ganOptions.equilibrium
        c.gan.margin = ganOptions.margin
        if let p = c.problem() { throw ConfigError(flag: p.flag, message: p.message) }
        return c
    }

    private func widths(_ flag: String, _ s: String) throws(ConfigError) -> [Int] {
        let parts = s.split(separator: ",", omittingEmptySubsequences: false)
        var out: [Int] = []
        for p in parts where !(parts.count == 1 && p.isEmpty) {
            guard let v = Int(p.trimmingCharacters(in: .whitespaces)), (1...16384).contains(v) else {
                throw ConfigError(flag: flag, message: "widths must be whole numbers in 1…16384, comma separated, got '\(s)'")
            }
            out.append(v)
        }
        return out
    }
    private func list(_ flag: String, _ s: String) throws(ConfigError) -> [Int] {
        guard !s.isEmpty else { return [] }
        var out: [Int] = []
        for p in s.split(separator: ",") {
            guard let v = Int(p.trimmingCharacters(in: .whitespaces)), v >= 0 else {
                throw ConfigError(flag: flag, message: "must be whole numbers ≥ 0, comma separated, got '\(s)'")
            }
            out.append(v)
        }
        return out
    }
}

/// The Model and data flags of `TrainingOptions` (a section of --help).
struct ModelOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "MNIST/Fashion-MNIST folder in torchvision's layout (default: the embedded 5k MNIST subset).",
            completion: .directory)
    var data: String?
    @Option(parsing: .unconditional, help: "Encoder hidden widths, comma separated.") var encoder: String = defaults.encoder.map(String.init).joined(separator: ",")
    @Option(parsing: .unconditional, help: "Latent dimensions (\(RunConfig.latentRange.lowerBound)...\(RunConfig.latentRange.upperBound)).") var latent: Int = defaults.latent
    @Option(parsing: .unconditional, help: "Decoder hidden widths, comma separated (default: the encoder's, reversed).") var decoder: String?
    @Option(parsing: .unconditional, help: "Decoder likelihood: bernoulli or gaussian.") var likelihood: RunConfig.Likelihood = defaults.likelihood
    @Option(parsing: .unconditional, help: "Model: vae or vae-gan (Larsen et al. 2016).") var model: RunConfig.Model = defaults.model
}

/// The Training flags of `TrainingOptions` (a section of --help).
struct LoopOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Epochs (\(RunConfig.epochRange.lowerBound)...\(RunConfig.epochRange.upperBound)).") var epochs: Int = defaults.epochs
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Mini-batch size (\(RunConfig.batchSizeRange.lowerBound)...\(RunConfig.batchSizeRange.upperBound)).") var batchSize: Int = defaults.batchSize
    @Option(name: .customLong("base-batch-size"), parsing: .unconditional, help: "Batch size the lr was tuned for (linear scaling rule).")
    var baseBatchSize: Int = defaults.baseBatchSize
    @Flag(name: .customLong("scale-lr"), help: "Scale the lr by batch-size / base-batch-size.") var scaleLR = false
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = defaults.seed
    @Option(parsing: .unconditional, help: "Trainer threads (\(RunConfig.threadRange.lowerBound)...\(RunConfig.threadRange.upperBound)): each batch is split over this many workers, each calling single-threaded OpenBLAS.") var threads: Int = defaults.threads
    @Option(name: .customLong("eval-every"), parsing: .unconditional, help: "Evaluate every N steps (0: once per epoch).") var evalEvery: Int = defaults.evalEvery
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: "Checkpoint every N steps (0: only at the end).")
    var checkpointEvery: Int = defaults.checkpointEvery
    @Option(name: .customLong("snapshot-every"), parsing: .unconditional, help: "Keep an in-memory snapshot every N steps for u / r (0: only before changes and at evaluations).")
    var snapshotEvery: Int = defaults.snapshotEvery
    @Option(name: .customLong("snapshot-memory"), parsing: .unconditional, help: "Megabytes in-memory snapshots may hold at most (\(RunConfig.snapshotMemoryRange.lowerBound)...\(RunConfig.snapshotMemoryRange.upperBound); 0: no undo or rewind). The memory of --snapshot-count snapshots if less: a snapshot is the weights and optimizer state, 12 bytes per parameter with Adam (the default model: 7.5 MB, so 240 MB for \(defaults.snapshotCount)).")
    var snapshotMemory: Int = defaults.snapshotMemory
    @Option(name: .customLong("snapshot-count"), parsing: .unconditional, help: "Snapshots' worth of memory kept for u / r (\(RunConfig.snapshotCountRange.lowerBound)...\(RunConfig.snapshotCountRange.upperBound)), within --snapshot-memory; older snapshots are thinned, recent ones stay dense.")
    var snapshotCount: Int = defaults.snapshotCount
    @Option(name: .customLong("nan-patience"), parsing: .unconditional, help: "Pause after this many non-finite steps in a row.") var nanPatience: Int = defaults.nanPatience
}

/// The Optimizer and clipping flags of `TrainingOptions` (a section of --help).
struct OptimizerOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Optimizer: sgd, adam, adamw, radam.") var optimizer: OptimizerConfig.Kind = defaults.optimizer.kind
    @Option(parsing: .unconditional, help: "Learning rate.") var lr: Double = defaults.optimizer.lr
    @Option(parsing: .unconditional, help: "Adam beta1.") var beta1: Double = defaults.optimizer.beta1
    @Option(parsing: .unconditional, help: "Adam beta2.") var beta2: Double = defaults.optimizer.beta2
    @Option(parsing: .unconditional, help: "Adam eps.") var eps: Double = defaults.optimizer.eps
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: "Weight decay (default 0; AdamW 1e-2).") var weightDecay: Double?
    @Option(parsing: .unconditional, help: "SGD momentum.") var momentum: Double = defaults.optimizer.momentum
    @Option(parsing: .unconditional, help: "SGD dampening.") var dampening: Double = defaults.optimizer.dampening
    @Flag(help: "SGD Nesterov momentum.") var nesterov = false
    @Flag(help: "AMSGrad (Adam, AdamW).") var amsgrad = false
    @Flag(name: .customLong("decoupled-wd"), help: "RAdam with decoupled weight decay.") var decoupledWD = false
    @Option(name: .customLong("clip-norm"), parsing: .unconditional, help: "Clip the global gradient norm (0: off).") var clipNorm: Double = 0
    @Option(name: .customLong("clip-value"), parsing: .unconditional, help: "Clip gradient elements to +/-value (0: off).") var clipValue: Double = 0
}

/// The lr schedule (PyTorch's lr_scheduler) flags of `TrainingOptions` (a section of --help).
struct LRScheduleOptions: ParsableArguments {
    @Option(name: .customLong("lr-schedule"), parsing: .unconditional, help: "The lr schedule (PyTorch's lr_scheduler names).")
    var lrSchedule: LRScheduleConfig.Kind = defaults.lrSchedule.kind
    @Option(name: .customLong("step-size"), parsing: .unconditional, help: "StepLR step size (steps).") var stepSize: Int = defaults.lrSchedule.stepSize
    @Option(parsing: .unconditional, help: "Decay factor (step, multistep, exponential, exp_range).") var gamma: Double = defaults.lrSchedule.gamma
    @Option(parsing: .unconditional, help: "MultiStepLR milestones, comma separated steps.") var milestones: String = ""
    @Option(name: .customLong("t-max"), parsing: .unconditional, help: "Cosine T_max in steps (0: the whole run).") var tMax: Int = defaults.lrSchedule.tMax
    @Option(name: .customLong("eta-min"), parsing: .unconditional, help: "Cosine minimum lr.") var etaMin: Double = defaults.lrSchedule.etaMin
    @Option(name: .customLong("t0"), parsing: .unconditional, help: "Warm restarts T_0 (steps).") var t0: Int = defaults.lrSchedule.t0
    @Option(name: .customLong("t-mult"), parsing: .unconditional, help: "Warm restarts T_mult.") var tMult: Int = defaults.lrSchedule.tMult
    @Option(name: .customLong("base-lr"), parsing: .unconditional, help: "Cyclic base_lr (default: --lr).") var baseLR: Double?
    @Option(name: .customLong("max-lr"), parsing: .unconditional, help: "Cyclic / one-cycle max_lr (default: 10 x --lr).") var maxLR: Double?
    @Option(name: .customLong("step-size-up"), parsing: .unconditional, help: "Cyclic step_size_up.") var stepSizeUp: Int = defaults.lrSchedule.stepSizeUp
    @Option(name: .customLong("step-size-down"), parsing: .unconditional, help: "Cyclic step_size_down (default: step_size_up).") var stepSizeDown: Int?
    @Option(name: .customLong("cyclic-mode"), parsing: .unconditional, help: "CyclicLR's mode.") var cyclicMode: LRScheduleConfig.CyclicMode = defaults.lrSchedule.mode
    @Flag(name: .customLong("no-cycle-momentum"), help: "Do not cycle beta1/momentum with cyclic or one-cycle.") var noCycleMomentum = false
    @Option(name: .customLong("base-momentum"), parsing: .unconditional, help: "Lower beta1/momentum when cycling.") var baseMomentum: Double?
    @Option(name: .customLong("max-momentum"), parsing: .unconditional, help: "Upper beta1/momentum when cycling.") var maxMomentum: Double?
    @Option(name: .customLong("pct-start"), parsing: .unconditional, help: "One-cycle pct_start.") var pctStart: Double = defaults.lrSchedule.pctStart
    @Option(name: .customLong("div-factor"), parsing: .unconditional, help: "One-cycle div_factor.") var divFactor: Double = defaults.lrSchedule.divFactor
    @Option(name: .customLong("final-div-factor"), parsing: .unconditional, help: "One-cycle final_div_factor.") var finalDivFactor: Double = defaults.lrSchedule.finalDivFactor
    @Option(parsing: .unconditional, help: "One-cycle anneal strategy: cos or linear.") var anneal: LRScheduleConfig.Anneal = defaults.lrSchedule.anneal
    @Flag(name: .customLong("three-phase"), help: "One-cycle three_phase.") var threePhase = false
    @Option(name: .customLong("total-steps"), parsing: .unconditional, help: "One-cycle total_steps (0: the whole run).") var totalSteps: Int = defaults.lrSchedule.totalSteps
    @Option(name: .customLong("warmup-steps"), parsing: .unconditional, help: "Linear lr warmup steps in front of the schedule.") var warmupSteps: Int = defaults.lrSchedule.warmupSteps
    @Option(name: .customLong("warmup-start-factor"), parsing: .unconditional, help: "Warmup start factor (PyTorch LinearLR, 0 < f <= 1).")
    var warmupStartFactor: Double = defaults.lrSchedule.warmupStartFactor
}

/// The KL weight (beta) schedule and free bits flags of `TrainingOptions` (a section of --help).
struct BetaOptions: ParsableArguments {
    @Option(name: .customLong("beta-schedule"), parsing: .unconditional, help: "KL weight schedule: constant, linear, cyclical, capacity.")
    var betaSchedule: BetaScheduleConfig.Kind = defaults.betaSchedule.kind
    @Option(parsing: .unconditional, help: "Target beta (KL weight).") var beta: Double = defaults.betaSchedule.target
    @Option(name: .customLong("beta-start"), parsing: .unconditional, help: "beta at the start of a ramp.") var betaStart: Double = defaults.betaSchedule.start
    @Option(name: .customLong("beta-warmup"), parsing: .unconditional, help: "Linear beta warmup steps (0: a quarter of the run).") var betaWarmup: Int = defaults.betaSchedule.warmupSteps
    @Option(name: .customLong("beta-cycles"), parsing: .unconditional, help: "Cyclical annealing: number of cycles.") var betaCycles: Int = defaults.betaSchedule.cycles
    @Option(name: .customLong("beta-ratio"), parsing: .unconditional, help: "Cyclical annealing: fraction of a cycle spent ramping.") var betaRatio: Double = defaults.betaSchedule.ratio
    @Option(name: .customLong("beta-ramp"), parsing: .unconditional, help: "Cyclical ramp: linear, cosine, sigmoid.") var betaRamp: BetaScheduleConfig.Ramp = defaults.betaSchedule.ramp
    @Option(name: .customLong("capacity-max"), parsing: .unconditional, help: "Capacity annealing: final capacity C_max (nats).") var capacityMax: Double = defaults.betaSchedule.capacityMax
    @Option(name: .customLong("capacity-steps"), parsing: .unconditional, help: "Capacity annealing: steps for C to reach C_max (0: the run).") var capacitySteps: Int = defaults.betaSchedule.capacitySteps
    @Option(name: .customLong("capacity-gamma"), parsing: .unconditional, help: "Capacity annealing: weight gamma of |KL - C|.") var capacityGamma: Double = defaults.betaSchedule.capacityGamma
    @Option(name: .customLong("free-bits"), parsing: .unconditional, help: "Free-bits lambda, nats per latent dimension (0: off).") var freeBits: Double = defaults.freeBits
}

/// The VAE-GAN (--model vae-gan) flags of `TrainingOptions` (a section of --help).
struct GANOptions: ParsableArguments {
    @Option(name: .customLong("gan-hidden"), parsing: .unconditional, help: "VAE-GAN: discriminator hidden width.") var ganHidden: Int = defaults.gan.hidden
    @Option(name: .customLong("gan-gamma"), parsing: .unconditional, help: "VAE-GAN: weight gamma of the feature-wise reconstruction.") var ganGamma: Double = defaults.gan.gamma
    @Option(name: .customLong("disc-lr"), parsing: .unconditional, help: "VAE-GAN: discriminator learning rate.") var discLR: Double = defaults.gan.discriminatorLR
    @Flag(help: "VAE-GAN: equilibrium rule around ln 2.") var equilibrium = false
    @Option(parsing: .unconditional, help: "VAE-GAN: equilibrium margin.") var margin: Double = defaults.gan.margin
}
