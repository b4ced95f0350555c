import Runs

/// What the guards know: their rules, how often each fired, which ones an undo quieted, and what the spike,
/// collapse and plateau rules watch (running windows, the last evaluation's counts, ReduceLROnPlateau's counters).
struct GuardState {
    /// One firing, for the run's summary.
    struct Firing: Equatable {
        let trigger: GuardRule.Trigger
        let step: Int
        /// What it did: "rewound 412 → 400, lr 0.01 → 0.005 (1 of 3)".
        let text: String
    }

    var rules: GuardsConfig
    private(set) var fired: [GuardRule.Trigger: Int] = [:]
    /// Guards whose repair the user undid: quiet until re-armed.
    var quiet: Set<GuardRule.Trigger> = []
    /// Guards that were needed after their last try (the run falls back to what it did without them).
    var ranOut: Set<GuardRule.Trigger> = []
    /// Those whose running out was said (once per trigger).
    var ranOutNoted: Set<GuardRule.Trigger> = []
    var firings: [Firing] = []
    /// A rule's `stop` ended the run; a rule's `pause` paused it (a headless run, which nobody resumes, then ends).
    var stopRequested = false
    var pausedByGuard = false

    /// spike: the last `window` trained steps' (step, train loss, gradient norm), oldest first, and a buffer to take
    /// medians in (both reserved once: nothing is allocated per step).
    private(set) var recent: [(step: Int, loss: Double, grad: Double)] = []
    private var scratch: [Double] = []
    /// collapse: the previous evaluation's collapsed dimensions and active units (nil before the first).
    var lastCollapsed: Set<Int>?
    var lastActive: Int?
    /// plateau: ReduceLROnPlateau's best, num_bad_epochs and cooldown_counter.
    var best = Double.infinity
    var bad = 0
    var cooldownLeft = 0

    init(_ rules: GuardsConfig) {
        self.rules = rules
        if rules.spike.isOn {
            recent.reserveCapacity(rules.spike.window + 1)
            scratch.reserveCapacity(rules.spike.window)
        }
    }

    /// Times `trigger`'s rule fired so far.
    func count(_ t: GuardRule.Trigger) -> Int { fired[t] ?? 0 }

    /// Whether `trigger`'s rule may act now: on, not quieted and tries left (a rule out of tries is marked).
    mutating func mayFire(_ t: GuardRule.Trigger) -> Bool {
        guard rules[t].isOn, !quiet.contains(t) else { return false }
        guard count(t) < rules[t].maxFirings else { ranOut.insert(t); return false }
        return true
    }

    /// Counts a firing; returns its number (1-based).
    mutating func fire(_ t: GuardRule.Trigger) -> Int {
        fired[t, default: 0] += 1
        return fired[t]!
    }

    // MARK: spike

    /// The bound a step breaks, with the value and median, or nil; a step within bounds joins the window (a spike
    /// never does, so the median stays the healthy run's). Nothing before the window is full.
    mutating func spike(step: Int, loss: Double, grad: Double) -> (what: String, value: Double, median: Double)? {
        let rule = rules.spike
        if recent.count >= rule.window {
            let lossMedian = median(\.loss), gradMedian = median(\.grad)
            if !(loss <= rule.k * lossMedian) && lossMedian > 0 { return ("train loss", loss, lossMedian) }
            if !(grad <= rule.k * gradMedian) && gradMedian > 0 { return ("gradient norm", grad, gradMedian) }
        }
        recent.append((step, loss, grad))
        if recent.count > rule.window { recent.removeFirst() }
        return nil
    }

    private mutating func median(_ field: KeyPath<(step: Int, loss: Double, grad: Double), Double>) -> Double {
        scratch.removeAll(keepingCapacity: true)
        for r in recent { scratch.append(r[keyPath: field]) }
        scratch.sort()
        let n = scratch.count
        return n % 2 == 1 ? scratch[n / 2] : (scratch[n / 2 - 1] + scratch[n / 2]) / 2
    }

    /// After a rewind to `step`: what the guards watch forgets the abandoned branch.
    mutating func rewound(to step: Int, lastEval: EvalMetrics?) {
        while let last = recent.last, last.step > step { recent.removeLast() }
        lastCollapsed = lastEval.map { Set($0.collapsed) }
        lastActive = lastEval?.activeUnits
        bad = 0
        cooldownLeft = 0
        best = lastEval.map { Double($0.loss) } ?? .infinity
    }

    // MARK: plateau

    /// ReduceLROnPlateau's step (mode "min", threshold_mode "rel"): true when the rule is due.
    mutating func plateau(testLoss: Double) -> Bool {
        let rule = rules.plateau
        if testLoss < best * (1 - rule.threshold) { best = testLoss; bad = 0 } else { bad += 1 }
        if cooldownLeft > 0 { cooldownLeft -= 1; bad = 0 }
        guard bad > rule.patience else { return false }
        cooldownLeft = rule.cooldown
        bad = 0
        return true
    }
}
