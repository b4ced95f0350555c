/// The settings table: one row per configuration field, in `--help` order. Adding a setting is a row here (the lr
/// schedule's rows are beside its fields, in `LRScheduleConfig.swift`), its stored property, its `@Option` and its
/// use; the decoder, the range checks, `vaetop schema`, the Python client's
/// generated ranges and the docs' config table follow from the row.
extension RunConfig {
    static let stepCount = SettingBound.integers(SettingBound.stepCountRange)
    static let positiveSteps = SettingBound.integers(1...Int(Int32.max))
    static let rate = SettingBound.above(0, upTo: 10)
    static let unitOpen = SettingBound.from(0, below: 1)

    public static let settings: [Setting] = [
        // Model and data
        Setting("data", "--data", .path(\.data), "MNIST/Fashion-MNIST folder in torchvision's layout (default: the embedded 5k MNIST subset)"),
        Setting("encoder", "--encoder", .ints(\.encoder), .widths, "Encoder hidden widths, comma separated"),
        Setting("latent", "--latent", .int(\.latent), .integers(1...4096), "Latent dimensions"),
        Setting("decoder", "--decoder", .ints(\.decoder), .widths, "Decoder hidden widths, comma separated (default: the encoder's, reversed)"),
        Setting("likelihood", "--likelihood", .choice(\.likelihood), "Decoder likelihood"),
        Setting("model", "--model", .choice(\.model), "Model: a VAE or a VAE-GAN (Larsen et al. 2016)"),
        // Training
        Setting("epochs", "--epochs", .int(\.epochs), .integers(1...100_000), fork: .setting, "Epochs (a fork may extend the plan)"),
        Setting("batchSize", "--batch-size", .int(\.batchSize), .integers(1...4096), live: .batchSize, fork: .knob, "Mini-batch size"),
        Setting("baseBatchSize", "--base-batch-size", .int(\.baseBatchSize), .integers(1...4096), "Batch size the lr was tuned for (linear scaling rule)"),
        Setting("scaleLR", "--scale-lr", .bool(\.scaleLR), "Scale the lr by batch-size / base-batch-size"),
        Setting("seed", "--seed", .seed(\.seed), "Random seed of weights, data order and noise"),
        Setting("threads", "--threads", .int(\.threads), .integers(1...64), fork: .setting,
                "Trainer threads: each batch is split over this many workers, each calling single-threaded OpenBLAS"),
        Setting("evalEvery", "--eval-every", .int(\.evalEvery), stepCount, unit: "steps", "Evaluate every N steps (0: once per epoch)"),
        Setting("checkpointEvery", "--checkpoint-every", .int(\.checkpointEvery), stepCount, unit: "steps", "Checkpoint every N steps (0: only at the end)"),
        Setting("snapshotEvery", "--snapshot-every", .int(\.snapshotEvery), stepCount, unit: "steps", fork: .setting,
                "Keep an in-memory snapshot every N steps for u / r (0: only before changes and at evaluations)"),
        Setting("snapshotMemory", "--snapshot-memory", .int(\.snapshotMemory), .integers(0...1_048_576), unit: "MB", fork: .setting,
                "Megabytes in-memory snapshots may hold at most (0: no undo or rewind); the memory of --snapshot-count snapshots if less: a snapshot is the weights and optimizer state, 12 bytes per parameter with Adam (the default model: 7.5 MB)"),
        Setting("snapshotCount", "--snapshot-count", .int(\.snapshotCount), .integers(1...100_000), fork: .setting,
                "Snapshots' worth of memory kept for u / r, within --snapshot-memory; older snapshots are thinned, recent ones stay dense"),
        Setting("nanPatience", "--nan-patience", .int(\.nanPatience), .integers(1...1_000_000), unit: "steps", "Pause after this many non-finite steps in a row"),
        Setting("collapseThreshold", "--collapse-threshold", .double(\.collapseThreshold), .closed(0, 1000), unit: "nats",
                "A dimension whose KL stays below this counts as collapsed"),
        Setting("iwaeK", "--iwae-k", .int(\.iwaeK), .integers(0...100_000), fork: .setting,
                "Importance samples per image of the IWAE bound on -log p(x) written at the end of the run (0: none; vaetop eval --iwae-k 5000 for the full estimate)"),
        Setting("iwaeImages", "--iwae-images", .int(\.iwaeImages), .integers(1...10_000_000), fork: .setting,
                "Test images (the first ones) the end-of-run IWAE bound averages over"),
        // Guards (docs/guards.md): a rule per trigger, its actions comma separated.
        Setting("guards.diverge", "--on-diverge", .rule(\.guards.diverge), fork: .setting,
                "After a non-finite streak: actions (rewind, skip=N, lr*F, beta*F, free-bits+X, clip=X, restart-cycle, pause, stop), max=N tries; off, or stop for no repair"),
        Setting("guards.spike", "--on-spike", .rule(\.guards.spike), fork: .setting,
                "When train loss or gradient norm exceeds k x its running median over a window (k=5, window=100 steps): actions, max=N (e.g. rewind,skip=200)"),
        Setting("guards.collapse", "--on-collapse", .rule(\.guards.collapse), fork: .setting,
                "When an evaluation finds more collapsed dimensions or fewer active units than the last: actions, max=N (e.g. free-bits+0.05,max=4)"),
        Setting("guards.plateau", "--on-plateau", .rule(\.guards.plateau), fork: .setting,
                "When test loss has not improved for more than patience evaluations (ReduceLROnPlateau: patience=10, threshold=1e-4 relative, cooldown=0): actions, max=N (e.g. lr*0.5,patience=3)"),
        // Optimizer and clipping
        Setting("optimizer.kind", "--optimizer", .choice(\.optimizer.kind), "Optimizer"),
        Setting("optimizer.lr", "--lr", .double(\.optimizer.lr), rate, live: .lr, fork: .knob, "Learning rate"),
        Setting("optimizer.beta1", "--beta1", .double(\.optimizer.beta1), unitOpen, "Adam-family beta1"),
        Setting("optimizer.beta2", "--beta2", .double(\.optimizer.beta2), unitOpen, "Adam-family beta2"),
        Setting("optimizer.eps", "--eps", .double(\.optimizer.eps), .above(0, upTo: 1), "Adam-family eps"),
        Setting("optimizer.weightDecay", "--weight-decay", .optionalDouble(\.optimizer.weightDecay), unitOpen, live: .weightDecay, fork: .knob,
                "Weight decay (default 0; AdamW 1e-2)"),
        Setting("optimizer.momentum", "--momentum", .double(\.optimizer.momentum), unitOpen, "SGD momentum"),
        Setting("optimizer.dampening", "--dampening", .double(\.optimizer.dampening), .closed(0, 1), "SGD dampening"),
        Setting("optimizer.nesterov", "--nesterov", .bool(\.optimizer.nesterov), "SGD Nesterov momentum (needs --momentum > 0 and --dampening 0)"),
        Setting("optimizer.amsgrad", "--amsgrad", .bool(\.optimizer.amsgrad), "AMSGrad (Adam, AdamW)"),
        Setting("optimizer.decoupledWeightDecay", "--decoupled-wd", .bool(\.optimizer.decoupledWeightDecay), "RAdam with decoupled weight decay"),
        Setting("clip.maxNorm", "--clip-norm", .optionalDouble(\.clip.maxNorm), .offOrPositive, live: .clipNorm, fork: .knob, "Clip the global gradient norm"),
        Setting("clip.value", "--clip-value", .optionalDouble(\.clip.value), .offOrPositive, live: .clipValue, fork: .knob, "Clip gradient elements to +/-value"),
        // lr schedule: its rows are beside its fields (LRScheduleConfig.swift)
    ] + LRScheduleConfig.settings + [
        // KL weight (beta) schedule and free bits
        Setting("betaSchedule.kind", "--beta-schedule", .choice(\.betaSchedule.kind), "KL weight schedule"),
        Setting("betaSchedule.target", "--beta", .double(\.betaSchedule.target), .closed(0, 1000), live: .betaTarget, fork: .knob, "Target beta (KL weight)"),
        Setting("betaSchedule.start", "--beta-start", .double(\.betaSchedule.start), .closed(0, 1000), "beta at the start of a ramp"),
        Setting("betaSchedule.warmupSteps", "--beta-warmup", .int(\.betaSchedule.warmupSteps), stepCount, unit: "steps", "Linear beta warmup steps (0: a quarter of the run)"),
        Setting("betaSchedule.cycles", "--beta-cycles", .int(\.betaSchedule.cycles), .integers(1...100_000), "Cyclical annealing: number of cycles"),
        Setting("betaSchedule.ratio", "--beta-ratio", .double(\.betaSchedule.ratio), .above(0, upTo: 1), "Cyclical annealing: fraction of a cycle spent ramping"),
        Setting("betaSchedule.ramp", "--beta-ramp", .choice(\.betaSchedule.ramp),
                "Cyclical ramp shape (with a target other than 1 vaetop scales the shape to the target: see --beta-ramp-like)"),
        Setting("betaSchedule.rampLike", "--beta-ramp-like", .choice(\.betaSchedule.rampLike),
                "Cosine and sigmoid ramps to a target other than 1: vaetop (the shape scaled to the target, ending at it) or fu (Fu et al.'s frange_cycle_cosine/sigmoid exactly: the shape of the raw value, 1 between ramps)"),
        Setting("betaSchedule.capacityMax", "--capacity-max", .double(\.betaSchedule.capacityMax), .from(0, below: 10_000), unit: "nats",
                "Capacity annealing: final capacity C_max"),
        Setting("betaSchedule.capacitySteps", "--capacity-steps", .int(\.betaSchedule.capacitySteps), stepCount, unit: "steps",
                "Capacity annealing: steps for C to reach C_max (0: the run)"),
        Setting("betaSchedule.capacityGamma", "--capacity-gamma", .double(\.betaSchedule.capacityGamma), .above(0, upTo: 1e6), "Capacity annealing: weight gamma of |KL - C|"),
        Setting("freeBits", "--free-bits", .double(\.freeBits), .closed(0, 10), unit: "nats", live: .freeBits, fork: .knob,
                "Free-bits lambda per latent dimension (0: off)"),
        // VAE-GAN
        Setting("gan.hidden", "--gan-hidden", .int(\.gan.hidden), .integers(SettingBound.widthRange), "VAE-GAN: discriminator hidden width"),
        Setting("gan.gamma", "--gan-gamma", .double(\.gan.gamma), .closed(0, 1e6), live: .gamma, fork: .knob, "VAE-GAN: weight gamma of the feature-wise reconstruction"),
        Setting("gan.discriminatorLR", "--disc-lr", .double(\.gan.discriminatorLR), rate, live: .discriminatorLR, fork: .knob, "VAE-GAN: discriminator learning rate"),
        Setting("gan.equilibrium", "--equilibrium", .bool(\.gan.equilibrium), "VAE-GAN: equilibrium rule around ln 2"),
        Setting("gan.margin", "--margin", .double(\.gan.margin), .from(0, below: 0.6931), "VAE-GAN: equilibrium margin"),
        Setting("gan.freezeDiscriminator", nil, .bool(\.gan.freezeDiscriminator), live: .freezeDiscriminator, "VAE-GAN: freeze the discriminator (a live switch)"),
    ]

    /// The row of `name` (a key path such as `optimizer.lr`); every name the sources use is in the table.
    public static func setting(_ name: String) -> Setting {
        guard let s = settingsByName[name] else { preconditionFailure("no setting \(name)") }
        return s
    }

    /// The row whose flag is `flag`, if any.
    public static func setting(flag: String) -> Setting? { settings.first { $0.flag == flag } }

    private static let settingsByName = Dictionary(uniqueKeysWithValues: settings.map { ($0.name, $0) })
}
