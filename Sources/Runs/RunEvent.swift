/// One record of a run: what the trainer emits, what the run file stores and what a replay plays back.
/// The large, rare records are boxed (`indirect`) so that an array of mostly step records stays small.
public enum RunEvent: Sendable, Equatable {
    indirect case header(RunHeader)
    case step(StepMetrics)
    indirect case eval(EvalMetrics)
    case change(ParameterChange)
    case skipped(SkippedStep)
    case alert(Alert)
    case checkpoint(CheckpointRecord)
    case state(StateChange)
    indirect case images(ImageRecord)
    indirect case rangeTest(RangeTestRecord)
    indirect case end(RunSummary)
    indirect case rewind(RewindRecord)
    indirect case snapshots(SnapshotsRecord)
    /// What another process's trainer did with a command (applied, refused, unsupported).
    indirect case outcome(CommandOutcome)
    /// The lr a schedule in another process plans for every step (the screen's dimmed future).
    indirect case plan(PlanRecord)
    /// Batches of the data order left out untrained (a guard's `skip=N`).
    indirect case skip(BatchSkip)
}

/// The first record of every run file.
public struct RunHeader: Codable, Sendable, Equatable {
    /// Always "vaetop-run".
    public var format: String = RunHeader.formatName
    /// Format version; readers accept files of their version or lower.
    public var version: Int = RunHeader.currentVersion
    /// Run name (the directory name).
    public var name: String
    /// Creation time, ISO 8601.
    public var created: String
    /// The full configuration.
    public var config: RunConfig
    /// Names of the gradient-norm layers, in the order of `layerGradNorms`.
    public var layers: [String]
    /// Trainable parameters.
    public var parameters: Int
    /// Training images.
    public var trainImages: Int
    /// Test images.
    public var testImages: Int
    /// Steps per epoch at the configured batch size.
    public var stepsPerEpoch: Int
    /// The run and step this run was forked from (`vaetop train --fork RUN --at STEP`), if any.
    public var parent: RunParent?
    /// The step and evaluation fields the writer records (JSON keys); nil: all of them, as vaetop writes. Another
    /// program's log (a TensorBoard import) names what it logged, so the screen says "not logged" for the rest
    /// instead of showing a default as if it were a value.
    public var logged: [String]?
    /// Hyperparameters another program's log named (TensorBoard's hparams, `add_hparams`), value as text; nil for
    /// vaetop's own runs, whose `config` holds them.
    public var hparams: [String: String]?
    /// What a trainer in another process can do when asked (the Python client declares it): command names
    /// (`pause`, `checkpoint`, `undo`, …) and the hyperparameters `set`/`clear` can change; nil: everything
    /// (vaetop's own trainer).
    public var capabilities: [String]?
    /// The process writing the run (pid and host), when the writer records it: `vaetop watch` and `replay` tell a
    /// run whose process is gone from one still running.
    public var writer: RunWriter?
    /// The knobs' starting values as a trainer in another process knows them (hyperparameter raw value → value,
    /// null: off), from what its loop declared and its optimizer's param groups; a knob absent here is not known,
    /// and the screen shows "–" for it and sends nothing. nil: vaetop's own trainer (the config says).
    public var values: [String: Double?]?
    /// The OpenBLAS kernel the run's matrix products used (`Haswell`, `SkylakeX`; vaetop's own runs). Results are bit
    /// for bit reproducible with the same kernel, threads and flags; another kernel sums in another order, so the
    /// losses differ in the last digits (docs/run-format.md). nil: not recorded.
    public var blasKernel: String?

    /// Steps the run's schedules plan for (from the recorded steps per epoch: other writers may not record images).
    public var plannedSteps: Int { config.plannedSteps(stepsPerEpoch: stepsPerEpoch) }

    public static let formatName = "vaetop-run"
    public static let currentVersion = 1

    /// Only `format`, `version` and `name` are required; the rest default (other writers may omit them).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        version = try c.decode(Int.self, forKey: .version)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? "run"
        created = try c.decodeIfPresent(String.self, forKey: .created) ?? ""
        config = try c.decodeIfPresent(RunConfig.self, forKey: .config) ?? RunConfig()
        layers = try c.decodeIfPresent([String].self, forKey: .layers) ?? []
        parameters = try c.decodeIfPresent(Int.self, forKey: .parameters) ?? 0
        trainImages = try c.decodeIfPresent(Int.self, forKey: .trainImages) ?? 0
        testImages = try c.decodeIfPresent(Int.self, forKey: .testImages) ?? 0
        stepsPerEpoch = try c.decodeIfPresent(Int.self, forKey: .stepsPerEpoch) ?? 0
        parent = try c.decodeIfPresent(RunParent.self, forKey: .parent)
        logged = try c.decodeIfPresent([String].self, forKey: .logged)
        hparams = try c.decodeIfPresent([String: String].self, forKey: .hparams)
        capabilities = try c.decodeIfPresent([String].self, forKey: .capabilities)
        // Advisory: a malformed writer field never makes a run unreadable.
        writer = (try? c.decodeIfPresent(RunWriter.self, forKey: .writer)) ?? nil
        values = try c.decodeIfPresent([String: Double?].self, forKey: .values)
        blasKernel = (try? c.decodeIfPresent(String.self, forKey: .blasKernel)) ?? nil
    }

    /// Whether the writer records a field (by JSON key); every field for vaetop's own runs.
    public func logs(_ key: String) -> Bool { logged?.contains(key) ?? true }

    /// Whether the trainer can do `name` (a command name or a hyperparameter's raw value); always for vaetop's own.
    public func can(_ name: String) -> Bool { capabilities?.contains(name) ?? true }

    public init(name: String, created: String, config: RunConfig, layers: [String], parameters: Int,
                trainImages: Int, testImages: Int, stepsPerEpoch: Int, parent: RunParent? = nil) {
        self.name = name; self.created = created; self.config = config; self.layers = layers
        self.parameters = parameters; self.trainImages = trainImages; self.testImages = testImages
        self.stepsPerEpoch = stepsPerEpoch; self.parent = parent
    }
}

/// Where a forked run came from: the run directory and the step of the checkpoint it started from.
public struct RunParent: Codable, Sendable, Equatable {
    public var run: String
    public var step: Int
    public init(run: String, step: Int) { self.run = run; self.step = step }
}

/// A hyperparameter that can be changed while training.
public enum Hyperparameter: String, Codable, Sendable, CaseIterable {
    /// Learning rate (an override that scales the schedule).
    case lr
    /// KL weight β (an override that replaces the β schedule until cleared).
    case beta
    /// β schedule target.
    case betaTarget = "beta_target"
    /// Free-bits λ (nats per dimension).
    case freeBits = "free_bits"
    /// Gradient clipping max norm (0 turns clipping off).
    case clipNorm = "clip_norm"
    /// Gradient clipping by value (0 turns it off).
    case clipValue = "clip_value"
    /// Weight decay.
    case weightDecay = "weight_decay"
    /// Mini-batch size (re-applies the linear lr scaling rule when it is on).
    case batchSize = "batch_size"
    /// Adam β1 / SGD momentum (stops momentum cycling).
    case momentum
    /// VAE-GAN: weight γ of the feature-wise reconstruction.
    case gamma
    /// VAE-GAN: the discriminator's learning rate.
    case discriminatorLR = "disc_lr"
    /// VAE-GAN: 1 freezes the discriminator, 0 lets it train.
    case freezeDiscriminator = "freeze_disc"
}

/// A hyperparameter change, applied at a step boundary.
public struct ParameterChange: Codable, Sendable, Equatable {
    /// Steps completed when it took effect (it applies from step + 1).
    public var step: Int
    public var parameter: Hyperparameter
    /// Value in force before (nil when unset).
    public var old: Double?
    /// Value in force after (nil when the override was cleared).
    public var new: Double?
    /// Who asked: "keyboard", "client", "resume", "guard", ….
    public var source: String
    /// A guard's change: the rule that fired (`spike: rewind,skip=200,max=3`) and why (`loss 912 > 5 × median 101`).
    public var rule: String?
    public var reason: String?
    public init(step: Int, parameter: Hyperparameter, old: Double?, new: Double?, source: String, rule: String? = nil, reason: String? = nil) {
        self.step = step; self.parameter = parameter; self.old = old; self.new = new; self.source = source
        self.rule = rule; self.reason = reason
    }
}

/// A step whose loss or gradient was not finite: the weights were not touched.
public struct SkippedStep: Codable, Sendable, Equatable {
    public var step: Int
    public var epoch: Int
    public var reason: String
    public init(step: Int, epoch: Int, reason: String) { self.step = step; self.epoch = epoch; self.reason = reason }
}

/// Something the user should see.
public struct Alert: Codable, Sendable, Equatable {
    /// Severity.
    public enum Level: String, Codable, Sendable { case info, warning, error }
    public var step: Int
    public var level: Level
    public var message: String
    /// The latent dimensions this alert reports as newly collapsed (vaetop's trainer at an evaluation); the screen
    /// then does not say it again. nil: not a collapse alert.
    public var collapsed: [Int]? = nil
    /// A guard's alert: its trigger (`diverge`, `spike`, `collapse`, `plateau`), and which firing of the run this
    /// is (1, 2, …; nil when the guard is out of tries and did nothing).
    public var guardTrigger: String? = nil
    public var guardFiring: Int? = nil
    public init(step: Int, level: Level, message: String, collapsed: [Int]? = nil, guardTrigger: String? = nil, guardFiring: Int? = nil) {
        self.step = step; self.level = level; self.message = message; self.collapsed = collapsed
        self.guardTrigger = guardTrigger; self.guardFiring = guardFiring
    }

    private enum CodingKeys: String, CodingKey {
        case step, level, message, collapsed
        case guardTrigger = "guard", guardFiring = "firing"
    }
}

/// A checkpoint written to disk.
public struct CheckpointRecord: Codable, Sendable, Equatable {
    public var step: Int
    /// Path relative to the run directory.
    public var path: String
    public init(step: Int, path: String) { self.step = step; self.path = path }
}

/// Trainer state transitions.
public struct StateChange: Codable, Sendable, Equatable {
    /// Trainer states.
    public enum State: String, Codable, Sendable { case running, paused, finished, stopped, diverged }
    public var step: Int
    public var state: State
    /// Why, in a few words.
    public var reason: String
    public init(step: Int, state: State, reason: String) { self.step = step; self.state = state; self.reason = reason }
    /// The reason that marks a resume from a checkpoint (`docs/run-format.md`: readers drop what came after it).
    public static let resumed = "resumed"
    /// Whether this record marks a resume.
    public var isResume: Bool { reason == Self.resumed }
}

/// Fixed test images, their reconstructions and samples from the prior, as 8-bit grey levels.
public struct ImageRecord: Codable, Sendable, Equatable {
    public var step: Int
    public var rows: Int
    public var cols: Int
    /// Original test images, each rows·cols grey levels 0…255.
    public var originals: [[UInt8]]
    /// Reconstructions (decoder means) of `originals`.
    public var reconstructions: [[UInt8]]
    /// Decoder means of z ~ N(0, I).
    public var samples: [[UInt8]]
    /// A latent traversal of one dimension (absent: none drawn). A record holding only a traversal leaves the
    /// other lists empty: readers keep the images they had.
    public var traversal: ImageTraversal?
    /// Pictures another program logged (a TensorBoard import): absent in vaetop's own runs. A record holding them
    /// leaves the other lists empty; `rows` and `cols` are the first picture's.
    public var logged: [LoggedImage]?
    public init(step: Int, rows: Int, cols: Int, originals: [[UInt8]], reconstructions: [[UInt8]], samples: [[UInt8]],
                traversal: ImageTraversal? = nil, logged: [LoggedImage]? = nil) {
        self.step = step; self.rows = rows; self.cols = cols; self.originals = originals
        self.reconstructions = reconstructions; self.samples = samples; self.traversal = traversal; self.logged = logged
    }
}

/// The last record of a run that ended normally.
public struct RunSummary: Codable, Sendable, Equatable {
    public var step: Int
    public var epoch: Int
    public var reason: Reason
    /// Final test negative ELBO per image.
    public var testLoss: Float?
    public var activeUnits: Int?
    /// Mean training throughput.
    public var samplesPerSecond: Double
    /// Training seconds (pauses excluded).
    public var seconds: Double
    public init(step: Int, epoch: Int, reason: Reason, testLoss: Float?, activeUnits: Int?, samplesPerSecond: Double, seconds: Double) {
        self.step = step; self.epoch = epoch; self.reason = reason; self.testLoss = testLoss
        self.activeUnits = activeUnits; self.samplesPerSecond = samplesPerSecond; self.seconds = seconds
    }
}

/// An LR range test: the curve so far and, once finished, its suggestions.
public struct RangeTestRecord: Codable, Sendable, Equatable {
    /// Steps of the run when the test ran (0 before training).
    public var step: Int
    /// "exponential" or "linear", from `start` to `end` over `steps` points.
    public var mode: String
    public var start: Double
    public var end: Double
    public var steps: Int
    public var lrs: [Double]
    public var losses: [Double]
    /// pytorch-lr-finder's smoothed losses.
    public var smoothed: [Double]
    /// True once the test is over (all steps, or the loss diverged).
    public var finished: Bool
    public var diverged: Bool
    public var steepest: Double?
    public var valley: Double?
    public var minimumOverTen: Double?
    public var cyclicBase: Double?
    public var cyclicMax: Double?
    /// The schedule training then used between the bounds (`.onecycle` or `.cyclic`), if any.
    public var applied: LRScheduleConfig.Kind?

    public init(step: Int, mode: String, start: Double, end: Double, steps: Int, lrs: [Double], losses: [Double], smoothed: [Double],
                finished: Bool, diverged: Bool, steepest: Double? = nil, valley: Double? = nil, minimumOverTen: Double? = nil,
                cyclicBase: Double? = nil, cyclicMax: Double? = nil, applied: LRScheduleConfig.Kind? = nil) {
        self.step = step; self.mode = mode; self.start = start; self.end = end; self.steps = steps; self.lrs = lrs
        self.losses = losses; self.smoothed = smoothed; self.finished = finished; self.diverged = diverged
        self.steepest = steepest; self.valley = valley; self.minimumOverTen = minimumOverTen
        self.cyclicBase = cyclicBase; self.cyclicMax = cyclicMax; self.applied = applied
    }
}

extension RunEvent {
    /// Every record type: the registry of kinds.
    public static let recordTypes: [any RunRecord.Type] = [
        RunHeader.self, StepMetrics.self, EvalMetrics.self, ParameterChange.self, SkippedStep.self, Alert.self, CheckpointRecord.self,
        StateChange.self, ImageRecord.self, RangeTestRecord.self, RunSummary.self, RewindRecord.self, SnapshotsRecord.self,
        CommandOutcome.self, PlanRecord.self, BatchSkip.self,
    ]

    /// The record type of each kind, for decoding.
    static let recordTypeByKind: [String: any RunRecord.Type] = Dictionary(uniqueKeysWithValues: recordTypes.map { ($0.kind, $0) })

    /// The record inside the event.
    public var record: any RunRecord {
        switch self {
        case .header(let r): return r
        case .step(let r): return r
        case .eval(let r): return r
        case .change(let r): return r
        case .skipped(let r): return r
        case .alert(let r): return r
        case .checkpoint(let r): return r
        case .state(let r): return r
        case .images(let r): return r
        case .rangeTest(let r): return r
        case .end(let r): return r
        case .rewind(let r): return r
        case .snapshots(let r): return r
        case .outcome(let r): return r
        case .plan(let r): return r
        case .skip(let r): return r
        }
    }

    /// The record's `kind` field in the run file (its type's declaration).
    public var kind: String {
        // A step record is the common case: answered without boxing it into an existential.
        if case .step = self { return StepMetrics.kind }
        return type(of: record).kind
    }

    /// The step the record belongs to (0 for the header).
    public var step: Int {
        if case .step(let m) = self { return m.step }
        return record.step
    }
}
