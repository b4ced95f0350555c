/// The accepted range of every setting. The command line and the run-file reader check the same rules, so a
/// header can never carry a value that the trainer, the schedules or the screen were not written for.
extension RunConfig {
    /// A setting outside its range: the flag that sets it and what is wrong.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var flag: String
        public var message: String
        public var description: String { "\(flag): \(message)" }
        /// The problem as a file states it ("config: lr must be in …"), for headers and checkpoints.
        public var inFile: String { "config: \(flag.dropFirst(2)) \(message)" }
    }

    /// Hidden widths of the encoder, decoder and discriminator.
    public static let widthRange = 1...16384
    /// Latent dimensions.
    public static let latentRange = 1...4096
    /// Epochs.
    public static let epochRange = 1...100_000
    /// Batch sizes vaetop trains with (flags and live changes).
    public static let batchSizeRange = 1...4096
    /// Trainer threads.
    public static let threadRange = 1...64
    /// Megabytes of in-memory snapshots.
    public static let snapshotMemoryRange = 0...1_048_576
    /// Snapshots' worth of memory the ring may hold.
    public static let snapshotCountRange = 1...100_000
    /// Step counts of schedules and intervals.
    public static let stepCountRange = 0...Int(Int32.max)

    /// The first setting out of range, in flag order; nil when every setting is acceptable.
    public func problem() -> Problem? {
        var found: Problem?
        func fail(_ flag: String, _ message: String) { if found == nil { found = Problem(flag: flag, message: message) } }
        func int(_ flag: String, _ v: Int, _ r: ClosedRange<Int>) {
            if !r.contains(v) { fail(flag, "must be in \(r.lowerBound)…\(r.upperBound), got \(v)") }
        }
        func open(_ flag: String, _ v: Double, above lo: Double, upTo hi: Double) {
            if !(v.isFinite && v > lo && v <= hi) { fail(flag, "must be in (\(Self.show(lo)), \(Self.show(hi))], got \(v)") }
        }
        func closedOpen(_ flag: String, _ v: Double, _ lo: Double, _ hi: Double) {
            if !(v.isFinite && v >= lo && v < hi) { fail(flag, "must be in [\(Self.show(lo)), \(Self.show(hi))), got \(v)") }
        }
        func closed(_ flag: String, _ v: Double, _ lo: Double, _ hi: Double) {
            if !(v.isFinite && v >= lo && v <= hi) { fail(flag, "must be in [\(Self.show(lo)), \(Self.show(hi))], got \(v)") }
        }
        func widths(_ flag: String, _ w: [Int]) {
            if w.count > 64 || w.contains(where: { !Self.widthRange.contains($0) }) {
                fail(flag, "widths must be whole numbers in 1…16384, at most 64 layers, got \(w.map(String.init).joined(separator: ","))")
            }
        }
        widths("--encoder", encoder)
        int("--latent", latent, Self.latentRange)
        widths("--decoder", decoder)
        int("--epochs", epochs, Self.epochRange)
        int("--batch-size", batchSize, Self.batchSizeRange)
        int("--base-batch-size", baseBatchSize, Self.batchSizeRange)
        int("--threads", threads, Self.threadRange)
        int("--eval-every", evalEvery, Self.stepCountRange)
        int("--checkpoint-every", checkpointEvery, Self.stepCountRange)
        int("--snapshot-every", snapshotEvery, Self.stepCountRange)
        int("--snapshot-memory", snapshotMemory, Self.snapshotMemoryRange)
        int("--snapshot-count", snapshotCount, Self.snapshotCountRange)
        int("--nan-patience", nanPatience, 1...1_000_000)
        closed("--collapse-threshold", collapseThreshold, 0, 1000)

        let o = optimizer
        open("--lr", o.lr, above: 0, upTo: 10)
        closedOpen("--beta1", o.beta1, 0, 1)
        closedOpen("--beta2", o.beta2, 0, 1)
        open("--eps", o.eps, above: 0, upTo: 1)
        if let wd = o.weightDecay { closedOpen("--weight-decay", wd, 0, 1) }
        closedOpen("--momentum", o.momentum, 0, 1)
        closed("--dampening", o.dampening, 0, 1)
        if o.nesterov && (o.momentum <= 0 || o.dampening != 0) {
            fail("--nesterov", "needs --momentum > 0 and --dampening 0 (as PyTorch)")
        }

        let s = lrSchedule
        int("--step-size", s.stepSize, 1...Int(Int32.max))
        open("--gamma", s.gamma, above: 0, upTo: 10)
        if s.milestones.count > 10_000 || s.milestones.contains(where: { !Self.stepCountRange.contains($0) }) {
            fail("--milestones", "must be whole numbers in 0…\(Int32.max), at most 10000 of them")
        } else if s.milestones != s.milestones.sorted() {
            fail("--milestones", "must be increasing")
        }
        int("--t-max", s.tMax, Self.stepCountRange)
        closedOpen("--eta-min", s.etaMin, 0, 10)
        int("--t0", s.t0, 1...Int(Int32.max))
        int("--t-mult", s.tMult, 1...1000)
        if let v = s.baseLR { open("--base-lr", v, above: 0, upTo: 10) }
        if let v = s.maxLR { open("--max-lr", v, above: 0, upTo: 10) }
        int("--step-size-up", s.stepSizeUp, 1...Int(Int32.max))
        if let v = s.stepSizeDown { int("--step-size-down", v, 1...Int(Int32.max)) }
        if let v = s.baseMomentum { closedOpen("--base-momentum", v, 0, 1) }
        if let v = s.maxMomentum { closedOpen("--max-momentum", v, 0, 1) }
        open("--pct-start", s.pctStart, above: 0, upTo: 0.9999)
        if s.threePhase && s.pctStart >= 0.5 { fail("--pct-start", "must be < 0.5 with --three-phase") }
        open("--div-factor", s.divFactor, above: 0, upTo: 1e12)
        open("--final-div-factor", s.finalDivFactor, above: 0, upTo: 1e12)
        int("--total-steps", s.totalSteps, Self.stepCountRange)
        int("--warmup-steps", s.warmupSteps, Self.stepCountRange)
        // 0 is what older run files hold when warmup is off.
        if s.warmupSteps > 0 { open("--warmup-start-factor", s.warmupStartFactor, above: 0, upTo: 1) }
        else { closed("--warmup-start-factor", s.warmupStartFactor, 0, 1) }

        let b = betaSchedule
        closed("--beta", b.target, 0, 1000)
        closed("--beta-start", b.start, 0, 1000)
        int("--beta-warmup", b.warmupSteps, Self.stepCountRange)
        int("--beta-cycles", b.cycles, 1...100_000)
        open("--beta-ratio", b.ratio, above: 0, upTo: 1)
        closedOpen("--capacity-max", b.capacityMax, 0, 10_000)
        int("--capacity-steps", b.capacitySteps, Self.stepCountRange)
        open("--capacity-gamma", b.capacityGamma, above: 0, upTo: 1e6)
        closed("--free-bits", freeBits, 0, 10)
        if let v = clip.maxNorm, !(v.isFinite && v > 0) { fail("--clip-norm", "must be ≥ 0 (0 turns it off), got \(v)") }
        if let v = clip.value, !(v.isFinite && v > 0) { fail("--clip-value", "must be ≥ 0 (0 turns it off), got \(v)") }
        int("--gan-hidden", gan.hidden, Self.widthRange)
        closed("--gan-gamma", gan.gamma, 0, 1e6)   // as a live γ (Hyperparameter.gamma): [0, 10⁶]
        open("--disc-lr", gan.discriminatorLR, above: 0, upTo: 10)
        closedOpen("--margin", gan.margin, 0, 0.6931)
        return found
    }

    /// A range bound as people write it: 1000, 0.6931, 1e+12.
    static func show(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
        return "\(v)"
    }
}
