import ArgumentParser
import Foundation
import Runs

extension OptimizerConfig.Kind: ExpressibleByArgument {}
extension LRScheduleConfig.Kind: ExpressibleByArgument {}
extension LRScheduleConfig.CyclicMode: ExpressibleByArgument {}
extension LRScheduleConfig.Anneal: ExpressibleByArgument {}
extension BetaScheduleConfig.Kind: ExpressibleByArgument {}
extension BetaScheduleConfig.Ramp: ExpressibleByArgument {}
extension BetaScheduleConfig.RampRule: ExpressibleByArgument {}
extension RunConfig.Likelihood: ExpressibleByArgument {}
extension RunConfig.Model: ExpressibleByArgument {}

/// Every flag's default is the configuration's own default (one declaration per value).
private let defaults = RunConfig()

extension ArgumentHelp {
    /// A setting's help line and range, from its row in `RunConfig.settings`.
    static func setting(_ name: String) -> ArgumentHelp { ArgumentHelp(settingHelp[name] ?? name) }
}

/// Each setting's help line, formatted once (argument-parser builds the options many times while parsing).
private let settingHelp = Dictionary(uniqueKeysWithValues: RunConfig.settings.map { ($0.name, $0.helpWithRange) })

/// The flags that define a training run (shared by train, schedule and the screen).
struct TrainingOptions: ParsableArguments {
    // The flags, in --help sections.
    @OptionGroup(title: "Model and data") var modelOptions: ModelOptions
    @OptionGroup(title: "Training") var loopOptions: LoopOptions
    @OptionGroup(title: "Optimizer and clipping") var optimizerOptions: OptimizerOptions
    @OptionGroup(title: "lr schedule (PyTorch's lr_scheduler)") var lrScheduleOptions: LRScheduleOptions
    @OptionGroup(title: "KL weight (beta) schedule and free bits") var betaOptions: BetaOptions
    @OptionGroup(title: "VAE-GAN (--model vae-gan)") var ganOptions: GANOptions
    @OptionGroup(title: "Guards: rules that repair the run (docs/guards.md)") var guardOptions: GuardOptions

    /// Builds the run configuration and checks it against `RunConfig.problem()`, the ranges the reader checks too.
    /// `onScreen`: the run trains on the screen, where --epochs defaults to `RunConfig.screenEpochs`.
    func makeConfig(onScreen: Bool = false) throws(ConfigError) -> RunConfig {
        var c = RunConfig()
        c.data = modelOptions.data
        c.encoder = try widths("--encoder", modelOptions.encoder)
        c.latent = modelOptions.latent
        c.decoder = try modelOptions.decoder.map { s throws(ConfigError) in try widths("--decoder", s) } ?? c.encoder.reversed()
        c.likelihood = modelOptions.likelihood
        c.epochs = loopOptions.epochs ?? (onScreen ? RunConfig.screenEpochs : c.epochs)
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
        c.collapseThreshold = loopOptions.collapseThreshold
        c.iwaeK = loopOptions.iwaeK
        c.iwaeImages = loopOptions.iwaeImages

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
        b.rampLike = betaOptions.betaRampLike
        b.capacityMax = betaOptions.capacityMax
        b.capacitySteps = betaOptions.capacitySteps
        b.capacityGamma = betaOptions.capacityGamma
        c.betaSchedule = b
        c.freeBits = betaOptions.freeBits
        let clipNorm = optimizerOptions.clipNorm, clipValue = optimizerOptions.clipValue
        for (name, v) in [("clip.maxNorm", clipNorm), ("clip.value", clipValue)] {
            let row = RunConfig.setting(name)
            if let m = row.bound.problem(v, whole: false) { throw ConfigError(flag: row.shownName, message: m) }
        }
        c.clip.maxNorm = clipNorm > 0 ? clipNorm : nil
        c.clip.value = clipValue > 0 ? clipValue : nil
        c.model = modelOptions.model
        c.gan.hidden = ganOptions.ganHidden
        c.gan.gamma = ganOptions.ganGamma
        c.gan.discriminatorLR = ganOptions.discLR
        c.gan.equilibrium = ganOptions.equilibrium
        c.gan.margin = ganOptions.margin
        for (trigger, text) in guardOptions.rules {
            guard let text else { continue }
            do { c.guards[trigger] = try GuardRule(parsing: text, for: trigger) } catch {
                throw ConfigError(flag: trigger.flag, message: "\(error)")
            }
        }
        if let p = c.problem() { throw ConfigError(flag: p.flag, message: p.message) }
        return c
    }

    private func widths(_ flag: String, _ s: String) throws(ConfigError) -> [Int] {
        let parts = s.split(separator: ",", omittingEmptySubsequences: false)
        var out: [Int] = []
        for p in parts where !(parts.count == 1 && p.isEmpty) {
            guard let v = Int(p.trimmingCharacters(in: .whitespaces)), SettingBound.widthRange.contains(v) else {
                throw ConfigError(flag: flag, message: "widths must be whole numbers in \(SettingBound.widthRange.lowerBound)…\(SettingBound.widthRange.upperBound), comma separated, got '\(s)'")
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

/// The guard flags of `TrainingOptions` (a section of --help): one rule per trigger, read by `GuardRule(parsing:for:)`.
struct GuardOptions: ParsableArguments {
    @Option(name: .customLong("on-diverge"), parsing: .unconditional, help: .setting("guards.diverge")) var onDiverge: String?
    @Option(name: .customLong("on-spike"), parsing: .unconditional, help: .setting("guards.spike")) var onSpike: String?
    @Option(name: .customLong("on-collapse"), parsing: .unconditional, help: .setting("guards.collapse")) var onCollapse: String?
    @Option(name: .customLong("on-plateau"), parsing: .unconditional, help: .setting("guards.plateau")) var onPlateau: String?

    /// Each trigger's rule text as given (nil: the default rule).
    var rules: [(GuardRule.Trigger, String?)] { [(.diverge, onDiverge), (.spike, onSpike), (.collapse, onCollapse), (.plateau, onPlateau)] }
}

/// The Model and data flags of `TrainingOptions` (a section of --help).
struct ModelOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: .setting("data"), completion: .directory) var data: String?
    @Option(parsing: .unconditional, help: .setting("encoder")) var encoder: String = defaults.encoder.map(String.init).joined(separator: ",")
    @Option(parsing: .unconditional, help: .setting("latent")) var latent: Int = defaults.latent
    @Option(parsing: .unconditional, help: .setting("decoder")) var decoder: String?
    @Option(parsing: .unconditional, help: .setting("likelihood")) var likelihood: RunConfig.Likelihood = defaults.likelihood
    @Option(parsing: .unconditional, help: .setting("model")) var model: RunConfig.Model = defaults.model
}

/// The Training flags of `TrainingOptions` (a section of --help).
struct LoopOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp((settingHelp["epochs"] ?? "") + " Default: \(RunConfig.screenEpochs) on the screen, \(defaults.epochs) headless."))
    var epochs: Int?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: .setting("batchSize")) var batchSize: Int = defaults.batchSize
    @Option(name: .customLong("base-batch-size"), parsing: .unconditional, help: .setting("baseBatchSize")) var baseBatchSize: Int = defaults.baseBatchSize
    @Flag(name: .customLong("scale-lr"), help: .setting("scaleLR")) var scaleLR = false
    @Option(parsing: .unconditional, help: .setting("seed")) var seed: UInt64 = defaults.seed
    @Option(parsing: .unconditional, help: .setting("threads")) var threads: Int = defaults.threads
    @Option(name: .customLong("eval-every"), parsing: .unconditional, help: .setting("evalEvery")) var evalEvery: Int = defaults.evalEvery
    @Option(name: .customLong("checkpoint-every"), parsing: .unconditional, help: .setting("checkpointEvery")) var checkpointEvery: Int = defaults.checkpointEvery
    @Option(name: .customLong("snapshot-every"), parsing: .unconditional, help: .setting("snapshotEvery")) var snapshotEvery: Int = defaults.snapshotEvery
    @Option(name: .customLong("snapshot-memory"), parsing: .unconditional, help: .setting("snapshotMemory")) var snapshotMemory: Int = defaults.snapshotMemory
    @Option(name: .customLong("snapshot-count"), parsing: .unconditional, help: .setting("snapshotCount")) var snapshotCount: Int = defaults.snapshotCount
    @Option(name: .customLong("nan-patience"), parsing: .unconditional, help: .setting("nanPatience")) var nanPatience: Int = defaults.nanPatience
    @Option(name: .customLong("collapse-threshold"), parsing: .unconditional, help: .setting("collapseThreshold")) var collapseThreshold: Double = defaults.collapseThreshold
    @Option(name: .customLong("iwae-k"), parsing: .unconditional, help: .setting("iwaeK")) var iwaeK: Int = defaults.iwaeK
    @Option(name: .customLong("iwae-images"), parsing: .unconditional, help: .setting("iwaeImages")) var iwaeImages: Int = defaults.iwaeImages
}

/// The Optimizer and clipping flags of `TrainingOptions` (a section of --help).
struct OptimizerOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: .setting("optimizer.kind")) var optimizer: OptimizerConfig.Kind = defaults.optimizer.kind
    @Option(parsing: .unconditional, help: .setting("optimizer.lr")) var lr: Double = defaults.optimizer.lr
    @Option(parsing: .unconditional, help: .setting("optimizer.beta1")) var beta1: Double = defaults.optimizer.beta1
    @Option(parsing: .unconditional, help: .setting("optimizer.beta2")) var beta2: Double = defaults.optimizer.beta2
    @Option(parsing: .unconditional, help: .setting("optimizer.eps")) var eps: Double = defaults.optimizer.eps
    @Option(name: .customLong("weight-decay"), parsing: .unconditional, help: .setting("optimizer.weightDecay")) var weightDecay: Double?
    @Option(parsing: .unconditional, help: .setting("optimizer.momentum")) var momentum: Double = defaults.optimizer.momentum
    @Option(parsing: .unconditional, help: .setting("optimizer.dampening")) var dampening: Double = defaults.optimizer.dampening
    @Flag(help: .setting("optimizer.nesterov")) var nesterov = false
    @Flag(help: .setting("optimizer.amsgrad")) var amsgrad = false
    @Flag(name: .customLong("decoupled-wd"), help: .setting("optimizer.decoupledWeightDecay")) var decoupledWD = false
    @Option(name: .customLong("clip-norm"), parsing: .unconditional, help: .setting("clip.maxNorm")) var clipNorm: Double = 0
    @Option(name: .customLong("clip-value"), parsing: .unconditional, help: .setting("clip.value")) var clipValue: Double = 0
}

/// The lr schedule (PyTorch's lr_scheduler) flags of `TrainingOptions` (a section of --help).
struct LRScheduleOptions: ParsableArguments {
    @Option(name: .customLong("lr-schedule"), parsing: .unconditional, help: .setting("lrSchedule.kind")) var lrSchedule: LRScheduleConfig.Kind = defaults.lrSchedule.kind
    @Option(name: .customLong("step-size"), parsing: .unconditional, help: .setting("lrSchedule.stepSize")) var stepSize: Int = defaults.lrSchedule.stepSize
    @Option(parsing: .unconditional, help: .setting("lrSchedule.gamma")) var gamma: Double = defaults.lrSchedule.gamma
    @Option(parsing: .unconditional, help: .setting("lrSchedule.milestones")) var milestones: String = ""
    @Option(name: .customLong("t-max"), parsing: .unconditional, help: .setting("lrSchedule.tMax")) var tMax: Int = defaults.lrSchedule.tMax
    @Option(name: .customLong("eta-min"), parsing: .unconditional, help: .setting("lrSchedule.etaMin")) var etaMin: Double = defaults.lrSchedule.etaMin
    @Option(name: .customLong("t0"), parsing: .unconditional, help: .setting("lrSchedule.t0")) var t0: Int = defaults.lrSchedule.t0
    @Option(name: .customLong("t-mult"), parsing: .unconditional, help: .setting("lrSchedule.tMult")) var tMult: Int = defaults.lrSchedule.tMult
    @Option(name: .customLong("base-lr"), parsing: .unconditional, help: .setting("lrSchedule.baseLR")) var baseLR: Double?
    @Option(name: .customLong("max-lr"), parsing: .unconditional, help: .setting("lrSchedule.maxLR")) var maxLR: Double?
    @Option(name: .customLong("step-size-up"), parsing: .unconditional, help: .setting("lrSchedule.stepSizeUp")) var stepSizeUp: Int = defaults.lrSchedule.stepSizeUp
    @Option(name: .customLong("step-size-down"), parsing: .unconditional, help: .setting("lrSchedule.stepSizeDown")) var stepSizeDown: Int?
    @Option(name: .customLong("cyclic-mode"), parsing: .unconditional, help: .setting("lrSchedule.mode")) var cyclicMode: LRScheduleConfig.CyclicMode = defaults.lrSchedule.mode
    @Flag(name: .customLong("no-cycle-momentum"), help: .setting("lrSchedule.cycleMomentum")) var noCycleMomentum = false
    @Option(name: .customLong("base-momentum"), parsing: .unconditional, help: .setting("lrSchedule.baseMomentum")) var baseMomentum: Double?
    @Option(name: .customLong("max-momentum"), parsing: .unconditional, help: .setting("lrSchedule.maxMomentum")) var maxMomentum: Double?
    @Option(name: .customLong("pct-start"), parsing: .unconditional, help: .setting("lrSchedule.pctStart")) var pctStart: Double = defaults.lrSchedule.pctStart
    @Option(name: .customLong("div-factor"), parsing: .unconditional, help: .setting("lrSchedule.divFactor")) var divFactor: Double = defaults.lrSchedule.divFactor
    @Option(name: .customLong("final-div-factor"), parsing: .unconditional, help: .setting("lrSchedule.finalDivFactor")) var finalDivFactor: Double = defaults.lrSchedule.finalDivFactor
    @Option(parsing: .unconditional, help: .setting("lrSchedule.anneal")) var anneal: LRScheduleConfig.Anneal = defaults.lrSchedule.anneal
    @Flag(name: .customLong("three-phase"), help: .setting("lrSchedule.threePhase")) var threePhase = false
    @Option(name: .customLong("total-steps"), parsing: .unconditional, help: .setting("lrSchedule.totalSteps")) var totalSteps: Int = defaults.lrSchedule.totalSteps
    @Option(name: .customLong("warmup-steps"), parsing: .unconditional, help: .setting("lrSchedule.warmupSteps")) var warmupSteps: Int = defaults.lrSchedule.warmupSteps
    @Option(name: .customLong("warmup-start-factor"), parsing: .unconditional, help: .setting("lrSchedule.warmupStartFactor")) var warmupStartFactor: Double = defaults.lrSchedule.warmupStartFactor
}

/// The KL weight (beta) schedule and free bits flags of `TrainingOptions` (a section of --help).
struct BetaOptions: ParsableArguments {
    @Option(name: .customLong("beta-schedule"), parsing: .unconditional, help: .setting("betaSchedule.kind")) var betaSchedule: BetaScheduleConfig.Kind = defaults.betaSchedule.kind
    @Option(parsing: .unconditional, help: .setting("betaSchedule.target")) var beta: Double = defaults.betaSchedule.target
    @Option(name: .customLong("beta-start"), parsing: .unconditional, help: .setting("betaSchedule.start")) var betaStart: Double = defaults.betaSchedule.start
    @Option(name: .customLong("beta-warmup"), parsing: .unconditional, help: .setting("betaSchedule.warmupSteps")) var betaWarmup: Int = defaults.betaSchedule.warmupSteps
    @Option(name: .customLong("beta-cycles"), parsing: .unconditional, help: .setting("betaSchedule.cycles")) var betaCycles: Int = defaults.betaSchedule.cycles
    @Option(name: .customLong("beta-ratio"), parsing: .unconditional, help: .setting("betaSchedule.ratio")) var betaRatio: Double = defaults.betaSchedule.ratio
    @Option(name: .customLong("beta-ramp"), parsing: .unconditional, help: .setting("betaSchedule.ramp")) var betaRamp: BetaScheduleConfig.Ramp = defaults.betaSchedule.ramp
    @Option(name: .customLong("beta-ramp-like"), parsing: .unconditional, help: .setting("betaSchedule.rampLike")) var betaRampLike: BetaScheduleConfig.RampRule = defaults.betaSchedule.rampLike
    @Option(name: .customLong("capacity-max"), parsing: .unconditional, help: .setting("betaSchedule.capacityMax")) var capacityMax: Double = defaults.betaSchedule.capacityMax
    @Option(name: .customLong("capacity-steps"), parsing: .unconditional, help: .setting("betaSchedule.capacitySteps")) var capacitySteps: Int = defaults.betaSchedule.capacitySteps
    @Option(name: .customLong("capacity-gamma"), parsing: .unconditional, help: .setting("betaSchedule.capacityGamma")) var capacityGamma: Double = defaults.betaSchedule.capacityGamma
    @Option(name: .customLong("free-bits"), parsing: .unconditional, help: .setting("freeBits")) var freeBits: Double = defaults.freeBits
}

/// The VAE-GAN (--model vae-gan) flags of `TrainingOptions` (a section of --help).
struct GANOptions: ParsableArguments {
    @Option(name: .customLong("gan-hidden"), parsing: .unconditional, help: .setting("gan.hidden")) var ganHidden: Int = defaults.gan.hidden
    @Option(name: .customLong("gan-gamma"), parsing: .unconditional, help: .setting("gan.gamma")) var ganGamma: Double = defaults.gan.gamma
    @Option(name: .customLong("disc-lr"), parsing: .unconditional, help: .setting("gan.discriminatorLR")) var discLR: Double = defaults.gan.discriminatorLR
    @Flag(help: .setting("gan.equilibrium")) var equilibrium = false
    @Option(parsing: .unconditional, help: .setting("gan.margin")) var margin: Double = defaults.gan.margin
}
