/// The ranges every reader enforces on a record before anything uses it: the screen, the exporters and the
/// trainer can then do integer arithmetic on what a file said without trapping or allocating without bound.
extension RunEvent {
    /// The largest step (and epoch) number a record may carry.
    public static let maxStep = 1_000_000_000_000
    /// The most latent dimensions, layers or images a record may list.
    public static let maxListed = 4096
    /// The largest image side, in pixels.
    public static let maxImageSide = 1024
    /// The most points of an LR range test.
    public static let maxRangeTestPoints = 1_000_000

    /// A step (or epoch) number's problem: outside 0…maxStep.
    static func stepProblem(_ s: Int, _ field: String = "step") -> String? {
        (0...maxStep).contains(s) ? nil : "\(field) \(s) is outside 0…\(maxStep)"
    }

    /// A list's problem: more than `limit` values.
    static func listProblem(_ n: Int, _ field: String, _ limit: Int = maxListed) -> String? {
        n <= limit ? nil : "\(field) lists \(n) values, more than \(limit)"
    }

    /// nil when the record is usable; else what is wrong, in a few words naming the field (its type's `problem()`).
    public func problem() -> String? {
        // A step record is the common case: checked without boxing it into an existential.
        if case .step(let m) = self { return m.problem() }
        return record.problem()
    }
}

extension RunRecord {
    /// A record with no checks of its own: its step is in range.
    public func problem() -> String? { RunEvent.stepProblem(step) }
}

extension RunHeader {
    public func problem() -> String? {
        let h = self
        if let p = h.config.problem() { return "header \(p.inFile)" }
        if let p = RunEvent.listProblem(h.layers.count, "header layers") { return p }
        if !(0...(1 << 40)).contains(h.parameters) { return "header parameters \(h.parameters) is out of range" }
        if !(0...1_000_000_000).contains(h.trainImages) { return "header trainImages \(h.trainImages) is out of range" }
        if !(0...1_000_000_000).contains(h.testImages) { return "header testImages \(h.testImages) is out of range" }
        if !(0...1_000_000_000).contains(h.stepsPerEpoch) { return "header stepsPerEpoch \(h.stepsPerEpoch) is out of range" }
        if let p = h.parent, let problem = RunEvent.stepProblem(p.step, "parent step") { return "header \(problem)" }
        return RunEvent.listProblem(h.capabilities?.count ?? 0, "header capabilities", 256)
    }
}

extension StepMetrics {
    public func problem() -> String? {
        let m = self
        if let p = RunEvent.stepProblem(m.step) ?? RunEvent.stepProblem(m.epoch, "epoch") { return p }
        if !(0...(1 << 24)).contains(m.batchSize) { return "batchSize \(m.batchSize) is outside 0…\(1 << 24)" }
        if !m.time.isFinite || m.time < 0 || m.time > 1e12 { return "time \(m.time) is not a number of seconds" }
        return RunEvent.listProblem(m.klDims.count, "klDims") ?? RunEvent.listProblem(m.layerGradNorms.count, "layerGradNorms")
            ?? RunEvent.listProblem(m.klObjectiveDims?.count ?? 0, "klObjectiveDims")
    }
}

extension EvalMetrics {
    public func problem() -> String? {
        let m = self
        if let p = RunEvent.stepProblem(m.step) ?? RunEvent.stepProblem(m.epoch, "epoch") { return p }
        if let p = RunEvent.listProblem(m.klDims.count, "klDims") ?? RunEvent.listProblem(m.meanVariance.count, "meanVariance") ?? RunEvent.listProblem(m.collapsed.count, "collapsed") {
            return p
        }
        if !(0...RunEvent.maxListed).contains(m.activeUnits) { return "activeUnits \(m.activeUnits) is outside 0…\(RunEvent.maxListed)" }
        if let d = m.collapsed.first(where: { !(0..<RunEvent.maxListed).contains($0) }) { return "collapsed dimension \(d) does not exist" }
        if !(0...1_000_000_000).contains(m.images) { return "images \(m.images) is out of range" }
        return nil
    }
}

extension ParameterChange {
    public func problem() -> String? {
        let c = self
        if let p = RunEvent.stepProblem(c.step) { return p }
        if let v = c.new, let p = c.parameter.problem(with: v) { return p }
        return nil
    }
}

extension SkippedStep {
    public func problem() -> String? {
        let s = self
        return RunEvent.stepProblem(s.step) ?? RunEvent.stepProblem(s.epoch, "epoch")
    }
}

extension Alert {
    public func problem() -> String? {
        let a = self
        return RunEvent.stepProblem(a.step)
    }
}

extension PlanRecord {
    public func problem() -> String? {
        let p = self
        if let problem = RunEvent.stepProblem(p.step) ?? RunEvent.listProblem(p.lr.count, "plan lr", 10_000_000) { return problem }
        if let bad = p.lr.first(where: { !$0.isFinite || $0 < 0 }) { return "plan lr \(bad) is not a learning rate" }
        return nil
    }
}

extension CommandOutcome {
    public func problem() -> String? {
        let o = self
        if let p = RunEvent.stepProblem(o.step) ?? o.from.flatMap({ RunEvent.stepProblem($0, "from") }) { return p }
        if o.outcome != .applied && (o.reason ?? "").isEmpty { return "a \(o.outcome.rawValue) outcome without a reason" }
        return nil
    }
}

extension CheckpointRecord {
    public func problem() -> String? {
        let c = self
        return RunEvent.stepProblem(c.step)
    }
}

extension StateChange {
    public func problem() -> String? {
        let s = self
        return RunEvent.stepProblem(s.step)
    }
}

extension ImageRecord {
    public func problem() -> String? {
        let i = self
        if let p = RunEvent.stepProblem(i.step) { return p }
        let sides = 1...RunEvent.maxImageSide
        guard sides.contains(i.rows), sides.contains(i.cols) else {
            return "images of \(i.rows)×\(i.cols) pixels (sides must be in 1…\(RunEvent.maxImageSide))"
        }
        let n = i.rows * i.cols
        for (name, images) in [("originals", i.originals), ("reconstructions", i.reconstructions), ("samples", i.samples)] {
            if let p = RunEvent.listProblem(images.count, name, 256) { return p }
            if let bad = images.first(where: { $0.count != n }) { return "\(name) holds an image of \(bad.count) pixels, not \(i.rows)×\(i.cols)" }
        }
        if let t = i.traversal {
            if !(0..<RunEvent.maxListed).contains(t.dimension) { return "traversal dimension \(t.dimension) is out of range" }
            if let p = RunEvent.listProblem(t.values.count, "traversal values", 64) { return p }
            if let bad = t.values.first(where: { !$0.isFinite }) { return "traversal value \(bad) is not finite" }
            for (name, images) in [("traversal test", t.test), ("traversal prior", t.prior)] {
                if images.count != t.values.count && !images.isEmpty { return "\(name) holds \(images.count) images for \(t.values.count) values" }
                if let bad = images.first(where: { $0.count != n }) { return "\(name) holds an image of \(bad.count) pixels, not \(i.rows)×\(i.cols)" }
            }
        }
        for picture in i.logged ?? [] {
            guard sides.contains(picture.rows), sides.contains(picture.cols), picture.pixels.count == picture.rows * picture.cols else {
                return "logged image \(picture.tag) of \(picture.rows)×\(picture.cols) pixels holds \(picture.pixels.count)"
            }
        }
        if let p = RunEvent.listProblem(i.logged?.count ?? 0, "logged images", 64) { return p }
        return nil
    }
}

extension RangeTestRecord {
    public func problem() -> String? {
        let r = self
        if let p = RunEvent.stepProblem(r.step) { return p }
        if !(0...RunEvent.maxRangeTestPoints).contains(r.steps) { return "range test steps \(r.steps) is out of range" }
        if let p = RunEvent.listProblem(r.lrs.count, "lrs", RunEvent.maxRangeTestPoints) { return p }
        if r.losses.count != r.lrs.count { return "range test has \(r.lrs.count) lrs but \(r.losses.count) losses" }
        if !r.smoothed.isEmpty && r.smoothed.count != r.losses.count {
            return "range test has \(r.losses.count) losses but \(r.smoothed.count) smoothed values"
        }
        return nil
    }
}

extension RunSummary {
    public func problem() -> String? {
        let e = self
        return RunEvent.stepProblem(e.step) ?? RunEvent.stepProblem(e.epoch, "epoch")
    }
}

extension RewindRecord {
    public func problem() -> String? {
        let r = self
        if let p = RunEvent.stepProblem(r.step) ?? RunEvent.stepProblem(r.to, "to") { return p }
        if !(1...RunEvent.maxStep).contains(r.branch) { return "branch \(r.branch) is outside 1…\(RunEvent.maxStep)" }
        return nil
    }
}

extension SnapshotsRecord {
    public func problem() -> String? {
        let s = self
        if let p = RunEvent.stepProblem(s.step) ?? RunEvent.listProblem(s.points.count, "points") { return p }
        if let bad = s.points.first(where: { !(0...RunEvent.maxStep).contains($0) }) { return "snapshot point \(bad) is outside 0…\(RunEvent.maxStep)" }
        if s.points != s.points.sorted() { return "snapshot points must be ascending" }
        if s.bytes < 0 || s.budget < 0 { return "snapshot bytes and budget must be ≥ 0" }
        return nil
    }
}
