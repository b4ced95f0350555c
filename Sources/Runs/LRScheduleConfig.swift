/// Learning-rate schedule, stepped once per optimizer step.
public struct LRScheduleConfig: Codable, Sendable, Equatable {
    /// Schedule families (PyTorch's lr_scheduler names).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case constant, step, multistep, exponential, cosine, cosineRestarts = "cosine-restarts", cyclic, onecycle
    }
    /// Cyclic modes.
    public enum CyclicMode: String, Codable, Sendable, CaseIterable { case triangular, triangular2, expRange = "exp_range" }
    /// One-cycle annealing shapes.
    public enum Anneal: String, Codable, Sendable, CaseIterable { case cos, linear }

    public var kind: Kind = .constant
    /// StepLR step_size (steps).
    public var stepSize: Int = 1000
    /// Decay factor of step, multistep, exponential and exp_range.
    public var gamma: Double = 0.1
    /// MultiStepLR milestones (steps).
    public var milestones: [Int] = []
    /// CosineAnnealingLR T_max (steps); 0 means the run's total steps.
    public var tMax: Int = 0
    /// Minimum lr of the cosine schedules.
    public var etaMin: Double = 0
    /// CosineAnnealingWarmRestarts T_0 (steps).
    public var t0: Int = 1000
    /// CosineAnnealingWarmRestarts T_mult.
    public var tMult: Int = 1
    /// CyclicLR base_lr; nil means the optimizer lr.
    public var baseLR: Double? = nil
    /// CyclicLR / OneCycleLR max_lr; nil means 10 × the optimizer lr.
    public var maxLR: Double? = nil
    /// CyclicLR step_size_up (steps).
    public var stepSizeUp: Int = 2000
    /// CyclicLR step_size_down (steps); nil means step_size_up.
    public var stepSizeDown: Int? = nil
    /// CyclicLR mode.
    public var mode: CyclicMode = .triangular
    /// Cycle β1 / momentum inversely to the lr (cyclic, onecycle).
    public var cycleMomentum: Bool = true
    /// Lower momentum bound when cycling (PyTorch: 0.8 cyclic, 0.85 onecycle); nil means that default.
    public var baseMomentum: Double? = nil
    /// Upper momentum bound when cycling (PyTorch: 0.9 / 0.95); nil means that default.
    public var maxMomentum: Double? = nil
    /// OneCycleLR pct_start.
    public var pctStart: Double = 0.3
    /// OneCycleLR div_factor.
    public var divFactor: Double = 25
    /// OneCycleLR final_div_factor.
    public var finalDivFactor: Double = 1e4
    /// OneCycleLR anneal_strategy.
    public var anneal: Anneal = .cos
    /// OneCycleLR three_phase.
    public var threePhase: Bool = false
    /// OneCycleLR total_steps; 0 means the run's total steps.
    public var totalSteps: Int = 0
    /// Linear warmup steps in front of the schedule (0 = none).
    public var warmupSteps: Int = 0
    /// Warmup starts at this fraction of the lr (PyTorch LinearLR's start_factor, default 1/3).
    public var warmupStartFactor: Double = 1.0 / 3.0

    public init() {}
}

extension LRScheduleConfig {
    /// Its rows of the settings table (`RunConfig.settings`), in `--help` order: a schedule's field, its row and its
    /// formula (`Training.LRSchedule`) plus its `@Option` are all a new schedule parameter needs.
    static let settings: [Setting] = [
        Setting("lrSchedule.kind", "--lr-schedule", .choice(\.lrSchedule.kind), "The lr schedule (PyTorch's lr_scheduler names)"),
        Setting("lrSchedule.stepSize", "--step-size", .int(\.lrSchedule.stepSize), RunConfig.positiveSteps, unit: "steps", "StepLR step size"),
        Setting("lrSchedule.gamma", "--gamma", .double(\.lrSchedule.gamma), .above(0, upTo: 10), "Decay factor (step, multistep, exponential, exp_range)"),
        Setting("lrSchedule.milestones", "--milestones", .ints(\.lrSchedule.milestones), .milestones, "MultiStepLR milestones, comma separated steps"),
        Setting("lrSchedule.tMax", "--t-max", .int(\.lrSchedule.tMax), RunConfig.stepCount, unit: "steps", "Cosine T_max (0: the whole run)"),
        Setting("lrSchedule.etaMin", "--eta-min", .double(\.lrSchedule.etaMin), .from(0, below: 10), "Cosine minimum lr"),
        Setting("lrSchedule.t0", "--t0", .int(\.lrSchedule.t0), RunConfig.positiveSteps, unit: "steps", "Warm restarts T_0"),
        Setting("lrSchedule.tMult", "--t-mult", .int(\.lrSchedule.tMult), .integers(1...1000), "Warm restarts T_mult"),
        Setting("lrSchedule.baseLR", "--base-lr", .optionalDouble(\.lrSchedule.baseLR), RunConfig.rate, "Cyclic base_lr (default: --lr)"),
        Setting("lrSchedule.maxLR", "--max-lr", .optionalDouble(\.lrSchedule.maxLR), RunConfig.rate, "Cyclic / one-cycle max_lr (default: 10 x --lr)"),
        Setting("lrSchedule.stepSizeUp", "--step-size-up", .int(\.lrSchedule.stepSizeUp), RunConfig.positiveSteps, unit: "steps", "Cyclic step_size_up"),
        Setting("lrSchedule.stepSizeDown", "--step-size-down", .optionalInt(\.lrSchedule.stepSizeDown), RunConfig.positiveSteps, unit: "steps",
                "Cyclic step_size_down (default: step_size_up)"),
        Setting("lrSchedule.mode", "--cyclic-mode", .choice(\.lrSchedule.mode), "CyclicLR's mode"),
        Setting("lrSchedule.cycleMomentum", "--no-cycle-momentum", .bool(\.lrSchedule.cycleMomentum),
                "Cycle beta1/momentum inversely to the lr (cyclic, one-cycle); the flag turns it off"),
        Setting("lrSchedule.baseMomentum", "--base-momentum", .optionalDouble(\.lrSchedule.baseMomentum), RunConfig.unitOpen,
                "Lower beta1/momentum when cycling (default: PyTorch's 0.8 cyclic, 0.85 one-cycle)"),
        Setting("lrSchedule.maxMomentum", "--max-momentum", .optionalDouble(\.lrSchedule.maxMomentum), RunConfig.unitOpen,
                "Upper beta1/momentum when cycling (default: 0.9 cyclic, 0.95 one-cycle)"),
        Setting("lrSchedule.pctStart", "--pct-start", .double(\.lrSchedule.pctStart), .above(0, upTo: 0.9999), "One-cycle pct_start (< 0.5 with --three-phase)"),
        Setting("lrSchedule.divFactor", "--div-factor", .double(\.lrSchedule.divFactor), .above(0, upTo: 1e12), "One-cycle div_factor"),
        Setting("lrSchedule.finalDivFactor", "--final-div-factor", .double(\.lrSchedule.finalDivFactor), .above(0, upTo: 1e12), "One-cycle final_div_factor"),
        Setting("lrSchedule.anneal", "--anneal", .choice(\.lrSchedule.anneal), "One-cycle anneal strategy"),
        Setting("lrSchedule.threePhase", "--three-phase", .bool(\.lrSchedule.threePhase), "One-cycle three_phase"),
        Setting("lrSchedule.totalSteps", "--total-steps", .int(\.lrSchedule.totalSteps), RunConfig.stepCount, unit: "steps", "One-cycle total_steps (0: the whole run)"),
        Setting("lrSchedule.warmupSteps", "--warmup-steps", .int(\.lrSchedule.warmupSteps), RunConfig.stepCount, unit: "steps", "Linear lr warmup steps in front of the schedule"),
        Setting("lrSchedule.warmupStartFactor", "--warmup-start-factor", .double(\.lrSchedule.warmupStartFactor), .closed(0, 1),
                "Warmup start factor (PyTorch LinearLR's start_factor; > 0 with --warmup-steps)"),
    ]
}
