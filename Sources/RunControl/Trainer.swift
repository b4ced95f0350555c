import Datasets
import Foundation
import Runs
import TensorCore
import Training

/// Runs the training loop: takes batches from the data loader, has the model family's step train on them with the
/// objective and hyperparameters the schedules and knobs give, and has the recorder turn the results into records;
/// evaluates, checkpoints and applies commands at step boundaries.
public final class Trainer {
    public let config: RunConfig
    public let test: ImageDataset
    public let model: VAEModel<Float>
    /// Order, batches and epochs of the training data.
    let loader: DataLoader
    /// The step of this run's model family (a plain VAE or a VAE-GAN).
    let family: any ModelStep
    let evaluator: Evaluator
    let recorder: Recorder
    public let lrSchedule: LRSchedule
    public internal(set) var betaSchedule: BetaSchedule
    /// Run directory (nil: nothing written to disk).
    public let directory: String?
    var noiseRNG: RandomSource

    public internal(set) var stepsDone = 0
    public internal(set) var knobs: Knobs
    public internal(set) var paused = false
    /// Paused by a non-finite streak (cleared by a resume).
    public internal(set) var diverged = false
    var nanStreak = 0
    /// The checkpoint on disk and the coalescing of requests (its clock is injectable).
    var checkpoints = CheckpointStore()
    public internal(set) var trainSeconds = 0.0
    var samplesSeen = 0
    public internal(set) var lastEval: EvalMetrics?
    /// The latent dimension the screen asked to see traversed (nil: the one with the largest test KL).
    var traversalDimension: Int?
    /// In-memory snapshots, the undoable changes and the branch (`u`, `r`).
    var history: RunHistory
    /// The guards' rules, counts and what they watch (`docs/guards.md`).
    var guards: GuardState
    /// Steps the schedules plan for (epochs × steps per epoch at the starting batch size).
    public let plannedSteps: Int
    let header: RunHeader
    /// Set by a resume whose run file was missing or empty: `beginResumed` writes a header first, and this says so.
    public internal(set) var resumeNote: String?

    /// Starts a new run. `directory` is created; nothing is written when it is nil.
    public init(config: RunConfig, data: (train: ImageDataset, test: ImageDataset), directory: String?,
                name: String? = nil, parent: RunParent? = nil, sink: @escaping (RunEvent) -> Void = { _ in }) throws(TrainerError) {
        self.config = config
        self.test = data.test
        self.directory = directory
        // With several threads the batch is split across workers, each calling single-threaded OpenBLAS:
        // for these small matrices that scales better than OpenBLAS's own threading.
        let workers = min(config.threads, 8)
        BLASThreads.set(blas: 1, elementwise: config.threads)
        let arch = Architecture(input: data.train.dimension, encoder: config.encoder, latent: config.latent,
                                decoder: config.decoder, likelihood: config.likelihood)
        var initRNG = RandomSource(seed: config.seed)
        model = VAEModel(arch, rng: &initRNG)
        noiseRNG = RandomSource(seed: config.seed &+ 0x5EED_0001)
        loader = DataLoader(data: data.train, epochs: config.epochs, seed: config.seed &+ 0x5EED_0002)
        evaluator = Evaluator(test: data.test, config: config, architecture: arch)
        var discriminatorParameters = 0
        if config.model == .vaeGAN {
            var discRNG = RandomSource(seed: config.seed &+ 0x5EED_0004)
            let disc = Discriminator<Float>(input: arch.input, hidden: config.gan.hidden, rng: &discRNG)
            family = VAEGANStep(gan: VAEGAN(vae: model, disc: disc, capacity: config.batchSize), settings: config.gan, optimizer: config.optimizer)
            discriminatorParameters = disc.params.count
        } else {
            family = VAEStep(model: model, optimizer: OptimizerFactory.make(config.optimizer, count: model.params.count),
                             workers: workers, capacity: config.batchSize)
        }
        // The schedules are the plan's: `vaetop schedule` and the screen's dimmed future use the very same values.
        let plan = SchedulePlan(config: config, trainImages: data.train.count)
        plannedSteps = plan.plannedSteps
        lrSchedule = plan.lr
        betaSchedule = plan.beta
        knobs = Knobs(config: config)
        history = RunHistory(budgetBytes: config.snapshotMemory * 1_048_576, count: config.snapshotCount)
        guards = GuardState(config.guards)
        var header = RunHeader(name: name ?? directory.map { ($0 as NSString).lastPathComponent } ?? "run",
                           created: ISO8601DateFormatter().string(from: Date()), config: config,
                           layers: config.model == .vaeGAN ? ["encoder", "decoder", "discriminator"] : arch.layerNames,
                           parameters: model.params.count + discriminatorParameters,
                           trainImages: data.train.count, testImages: data.test.count,
                           stepsPerEpoch: config.stepsPerEpoch(trainImages: data.train.count), parent: parent)
        // Steered from its own screen, in process: it reads no command file, so a `vaetop watch` of its run file
        // must offer no key that would send one (RunHeader.capabilities).
        header.capabilities = []
        header.writer = .current
        header.blasKernel = BLASThreads.coreName
        self.header = header
        recorder = try Recorder(directory: directory, sink: sink)
    }

    /// The training split.
    public var train: ImageDataset { loader.data }
    /// The current epoch, 1-based.
    public var epoch: Int { loader.epoch }
    /// Workers a batch is split over (1 for VAE-GAN, which trains single-threaded).
    public var workers: Int { (family as? VAEStep)?.workers ?? 1 }
    /// VAE-GAN: the discriminator and objectives (nil for a plain VAE).
    public var gan: VAEGAN<Float>? { (family as? VAEGANStep)?.gan }
    /// The plain VAE step's main workspace (nil for VAE-GAN).
    var workspace: Workspace<Float>? { (family as? VAEStep)?.workspace }
    /// Receives every event after it is written.
    public var sink: (RunEvent) -> Void {
        get { recorder.sink }
        set { recorder.sink = newValue }
    }
    /// Set when the run file can no longer be written; the loop stops with the error.
    public var writeError: RunFileError? { recorder.writeError }

    /// The header record of this run.
    public var runHeader: RunHeader { header }

    /// Writes the header and the initial state; call once before the first step of a new run.
    public func begin() {
        emit(.header(header))
        emit(.state(StateChange(step: stepsDone, state: .running, reason: header.parent == nil ? "started" : "forked")))
        emitImages()
        flush()
    }


    // MARK: - Event output

    /// Writes an event to the run file and hands it to the sink.
    func emit(_ event: RunEvent) { recorder.emit(event) }

    /// Flushes the run file (cheap; called every few steps and at every state change).
    public func flush() { recorder.flush() }

    /// Flushes and fsyncs, then closes the run file.
    public func close() { recorder.close() }

    // MARK: - Values in force

    /// Linear scaling rule factor: batch / base batch when enabled.
    public var batchScale: Double { config.scaleLR ? Double(knobs.batchSize) / Double(config.baseBatchSize) : 1 }
    /// Learning rate of the next step.
    public var currentLR: Double { lrSchedule.lr(at: stepsDone) * knobs.lrMultiplier * batchScale }
    /// β of the next step.
    public var currentBeta: Double { knobs.betaOverride ?? betaSchedule.beta(at: stepsDone, restartedAt: knobs.betaRestart) }
    /// The objective of the next step: β (γ) from the schedule or its override, free bits, capacity.
    var objective: Objective { Objective(beta: currentBeta, freeBits: knobs.freeBits, capacity: currentCapacity) }
    /// Capacity C of the next step in capacity-annealing mode, else nil.
    public var currentCapacity: Double? { betaSchedule.capacity(at: stepsDone) }
    /// β1 / momentum of the next step.
    public var currentMomentum: Double { knobs.momentumOverride ?? lrSchedule.momentum(at: stepsDone) }

    /// The hyperparameters the optimizer gets for the next step.
    var stepHyperparameters: StepHyperparameters {
        StepHyperparameters(lr: currentLR, beta1: currentMomentum, beta2: config.optimizer.beta2,
                            eps: config.optimizer.eps, weightDecay: knobs.weightDecay)
    }
}
