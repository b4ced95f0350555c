import Datasets
import Foundation
import Runs
import TensorCore

/// Owns the model and runs the training loop; emits every event to the run file (if any) and a sink.
public final class Trainer {
    public let config: RunConfig
    public let train: ImageDataset
    public let test: ImageDataset
    public let model: VAEModel<Float>
    public internal(set) var workspace: Workspace<Float>
    /// Data-parallel workers beyond the first: their workspaces and gradient buffers.
    var replicas: [Workspace<Float>] = []
    var replicaGrads: [Buffer<Float>] = []
    /// Workers a batch is split over (the thread count; 1 = single-threaded step).
    public let workers: Int
    /// Per-worker reconstruction sums of the current step.
    let workerRecon: UnsafeMutablePointer<Double>
    let evalWorkspace: Workspace<Float>
    public let optimizer: any Optimizer
    public let lrSchedule: LRSchedule
    public internal(set) var betaSchedule: BetaSchedule
    /// Run directory (nil: nothing written to disk).
    public let directory: String?
    let writer: RunFileWriter?
    /// Held while this trainer writes its run directory (a second writer is refused).
    var lock: RunLock?
    /// Receives every event after it is written.
    public var sink: (RunEvent) -> Void

    public internal(set) var stepsDone = 0
    public internal(set) var epoch = 1
    var position = 0
    var permutation: [Int]
    var noiseRNG: RandomSource
    var dataRNG: RandomSource
    public internal(set) var knobs: Knobs
    public internal(set) var paused = false
    /// Paused by a non-finite streak (cleared by a resume).
    public internal(set) var diverged = false
    var nanStreak = 0
    /// The step of the checkpoint on disk (nil: none yet) and the wall-clock time it was written.
    public internal(set) var checkpointStep: Int?
    var checkpointWall = 0.0
    /// A checkpoint asked for less than `checkpointInterval` after the last one: written when the interval is over.
    var checkpointPending = false
    /// The step whose "already on disk" note was given.
    var checkpointNoted: Int?
    /// Why the last checkpoint attempt wrote nothing (nil once one succeeds).
    public internal(set) var checkpointError: String?
    public internal(set) var trainSeconds = 0.0
    var samplesSeen = 0
    public internal(set) var lastEval: EvalMetrics?
    /// While set (the lr range test), nothing reaches the run file and no evaluation or checkpoint runs.
    var muted = false
    /// VAE-GAN: the discriminator and objectives, and the three networks' optimizers (nil for a plain VAE).
    public let gan: VAEGAN<Float>?
    let encoderOptimizer: (any Optimizer)?
    let decoderOptimizer: (any Optimizer)?
    let discriminatorOptimizer: (any Optimizer)?
    /// Whether an images record with the original test digits was emitted yet.
    var originalsSent = false
    /// Set when the run file can no longer be written; the loop stops with the error.
    public internal(set) var writeError: RunFileError?
    /// Steps the schedules plan for (epochs × steps per epoch at the starting batch size).
    public let plannedSteps: Int
    let header: RunHeader

    /// Fixed test images shown as reconstructions, and the fixed prior draws for samples.
    let showcase: [Int]
    let sampleZ: [Float]

    /// Starts a new run. `directory` is created; nothing is written when it is nil.
    public init(config: RunConfig, data: (train: ImageDataset, test: ImageDataset), directory: String?,
                name: String? = nil, sink: @escaping (RunEvent) -> Void = { _ in }) throws(TrainerError) {
        self.config = config
        self.train = data.train
        self.test = data.test
        self.directory = directory
        self.sink = sink
        // With several threads the batch is split across workers, each calling single-threaded OpenBLAS:
        // for these small matrices that scales better than OpenBLAS's own threading.
        workers = min(config.threads, 8)
        BLASThreads.set(blas: 1, elementwise: config.threads)
        workerRecon = .allocate(capacity: 8)
        let arch = Architecture(input: data.train.dimension, encoder: config.encoder, latent: config.latent,
                                decoder: config.decoder, likelihood: config.likelihood)
        var initRNG = RandomSource(seed: config.seed)
        model = VAEModel(arch, rng: &initRNG)
        noiseRNG = RandomSource(seed: config.seed &+ 0x5EED_0001)
        dataRNG = RandomSource(seed: config.seed &+ 0x5EED_0002)
        workspace = Workspace(architecture: arch, capacity: config.batchSize)
        evalWorkspace = Workspace(architecture: arch, capacity: Self.evalChunk)
        optimizer = OptimizerFactory.make(config.optimizer, count: model.params.count)
        var discriminatorParameters = 0
        if config.model == .vaeGAN {
            var discRNG = RandomSource(seed: config.seed &+ 0x5EED_0004)
            let disc = Discriminator<Float>(input: arch.input, hidden: config.gan.hidden, rng: &discRNG)
            let g = VAEGAN(vae: model, disc: disc, capacity: config.batchSize)
            gan = g
            encoderOptimizer = OptimizerFactory.make(config.optimizer, count: g.decoderStart)
            decoderOptimizer = OptimizerFactory.make(config.optimizer, count: model.params.count - g.decoderStart)
            discriminatorOptimizer = Adam(count: disc.params.count)
            discriminatorParameters = disc.params.count
        } else {
            gan = nil; encoderOptimizer = nil; decoderOptimizer = nil; discriminatorOptimizer = nil
        }
        // The schedules are the plan's: `vaetop schedule` and the screen's dimmed future use the very same values.
        let plan = SchedulePlan(config: config, trainImages: data.train.count)
        let perEpoch = config.stepsPerEpoch(trainImages: data.train.count)
        plannedSteps = plan.plannedSteps
        lrSchedule = plan.lr
        betaSchedule = plan.beta
        knobs = Knobs(config: config)
        permutation = Array(0..<data.train.count)
        showcase = Self.pickShowcase(test: data.test)
        var zRNG = RandomSource(seed: config.seed &+ 0x5EED_0003)
        sampleZ = (0..<(Self.showcaseCount * config.latent)).map { _ in Float(zRNG.nextNormal()) }
        header = RunHeader(name: name ?? directory.map { ($0 as NSString).lastPathComponent } ?? "run",
                           created: ISO8601DateFormatter().string(from: Date()), config: config,
                           layers: config.model == .vaeGAN ? ["encoder", "decoder", "discriminator"] : arch.layerNames,
                           parameters: model.params.count + discriminatorParameters,
                           trainImages: data.train.count, testImages: data.test.count, stepsPerEpoch: perEpoch)
        if let directory {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .runFile(.writeFailed(path: directory, reason: "cannot create the run directory"))
            }
            do { lock = try RunLock(directory: directory) } catch { throw .runFile(error) }
            do { writer = try RunFileWriter(path: (directory as NSString).appendingPathComponent(RunFileReader.fileName)) }
            catch { throw .runFile(error) }
        } else {
            writer = nil
            lock = nil
        }
        dataRNG.shuffle(&permutation)
        ensureCapacity(config.batchSize)
    }

    deinit { workerRecon.deallocate() }

    /// Grows the workspaces so a batch of `batch` images fits (split over the workers).
    func ensureCapacity(_ batch: Int) {
        if batch > workspace.capacity { workspace = Workspace(architecture: model.architecture, capacity: batch) }
        guard workers > 1 else { return }
        let per = (batch + workers - 1) / workers
        if replicas.count != workers - 1 || replicas.contains(where: { $0.capacity < per }) {
            replicas = (1..<workers).map { _ in Workspace(architecture: model.architecture, capacity: per) }
        }
        if replicaGrads.count != workers - 1 {
            replicaGrads = (1..<workers).map { _ in Buffer(count: model.params.count) }
        }
    }

    /// Test images per evaluation forward pass.
    static let evalChunk = 500
    /// Images in the showcase (reconstructions and samples).
    public static let showcaseCount = 8

    /// The header record of this run.
    public var runHeader: RunHeader { header }

    /// Writes the header and the initial state; call once before the first step of a new run.
    public func begin() {
        emit(.header(header))
        emit(.state(StateChange(step: 0, state: .running, reason: "started")))
        emitImages()
        flush()
    }


    // MARK: - Event output

    /// Writes an event to the run file and hands it to the sink.
    func emit(_ event: RunEvent) {
        if let writer, writeError == nil, !muted {
            do { try writer.append(event) } catch { writeError = error }
        }
        sink(event)
    }

    /// Flushes the run file (cheap; called every few steps and at every state change).
    public func flush() {
        guard let writer, writeError == nil else { return }
        do { try writer.flush() } catch { writeError = error }
    }

    /// Flushes and fsyncs, then closes the run file.
    public func close() {
        guard let writer else { return }
        do { try writer.close() } catch { if writeError == nil { writeError = error } }
        lock = nil   // the run directory is free for the next writer (a resume)
    }

    // MARK: - Values in force

    /// Linear scaling rule factor: batch / base batch when enabled.
    public var batchScale: Double { config.scaleLR ? Double(knobs.batchSize) / Double(config.baseBatchSize) : 1 }
    /// Learning rate of the next step.
    public var currentLR: Double { lrSchedule.lr(at: stepsDone) * knobs.lrMultiplier * batchScale }
    /// β of the next step.
    public var currentBeta: Double { knobs.betaOverride ?? betaSchedule.beta(at: stepsDone) }
    /// Capacity C of the next step in capacity-annealing mode, else nil.
    public var currentCapacity: Double? { betaSchedule.capacity(at: stepsDone) }
    /// β1 / momentum of the next step.
    public var currentMomentum: Double { knobs.momentumOverride ?? lrSchedule.momentum(at: stepsDone) }

    /// The hyperparameters the optimizer gets for the next step.
    var stepHyperparameters: StepHyperparameters {
        StepHyperparameters(lr: currentLR, beta1: currentMomentum, beta2: config.optimizer.beta2,
                            eps: config.optimizer.eps, weightDecay: knobs.weightDecay)
    }

    static func pickShowcase(test: ImageDataset) -> [Int] {
        var picks: [Int] = []
        var seen = Set<UInt8>()
        for i in 0..<test.count where !seen.contains(test.labels[i]) {
            seen.insert(test.labels[i]); picks.append(i)
            if picks.count == showcaseCount { break }
        }
        var i = 0
        while picks.count < min(showcaseCount, test.count) { if !picks.contains(i) { picks.append(i) }; i += 1 }
        return picks
    }
}
