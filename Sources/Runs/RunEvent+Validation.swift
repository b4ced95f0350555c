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
    /// A record with no checks of its own (an alert, a checkpoint, a state change): its step is in range.
    public func problem() -> String? { RunEvent.stepProblem(step) }
}

extension RunHeader {
    public func problem() -> String? {
        if let p = config.problem() { return "header \(p.inFile)" }
        if let p = RunEvent.listProblem(layers.count, "header layers") { return p }
        if !(0...(1 << 40)).contains(parameters) { return "header parameters \(parameters) is out of range" }
        if !(0...1_000_000_000).contains(trainImages) { return "header trainImages \(trainImages) is out of range" }
        if !(0...1_000_000_000).contains(testImages) { return "header testImages \(testImages) is out of range" }
        if !(0...1_000_000_000).contains(stepsPerEpoch) { return "header stepsPerEpoch \(stepsPerEpoch) is out of range" }
        if let p = parent, let problem = RunEvent.stepProblem(p.step, "parent step") { return "header \(problem)" }
        return RunEvent.listProblem(capabilities?.count ?? 0, "header capabilities", 256)
    }
}

extension StepMetrics {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) ?? RunEvent.stepProblem(epoch, "epoch") { return p }
        if !(0...(1 << 24)).contains(batchSize) { return "batchSize \(batchSize) is outside 0…\(1 << 24)" }
        if !time.isFinite || time < 0 || time > 1e12 { return "time \(time) is not a number of seconds" }
        return RunEvent.listProblem(klDims.count, "klDims") ?? RunEvent.listProblem(layerGradNorms.count, "layerGradNorms")
            ?? RunEvent.listProblem(klObjectiveDims?.count ?? 0, "klObjectiveDims")
    }
}

extension EvalMetrics {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) ?? RunEvent.stepProblem(epoch, "epoch") { return p }
        if let p = RunEvent.listProblem(klDims.count, "klDims") ?? RunEvent.listProblem(meanVariance.count, "meanVariance") ?? RunEvent.listProblem(collapsed.count, "collapsed") {
            return p
        }
        if !(0...RunEvent.maxListed).contains(activeUnits) { return "activeUnits \(activeUnits) is outside 0…\(RunEvent.maxListed)" }
        if let d = collapsed.first(where: { !(0..<RunEvent.maxListed).contains($0) }) { return "collapsed dimension \(d) does not exist" }
        if !(0...1_000_000_000).contains(images) { return "images \(images) is out of range" }
        return nil
    }
}

extension ParameterChange {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) { return p }
        if let v = new, let p = parameter.problem(with: v) { return p }
        return nil
    }
}

extension BatchSkip {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) ?? RunEvent.stepProblem(epoch, "epoch") { return p }
        if !(1...RunEvent.maxStep).contains(batches) { return "batches \(batches) is outside 1…\(RunEvent.maxStep)" }
        if !(0...Int(Int32.max)).contains(images) { return "images \(images) is outside 0…\(Int32.max)" }
        return nil
    }
}

extension SkippedStep {
    public func problem() -> String? {
        return RunEvent.stepProblem(step) ?? RunEvent.stepProblem(epoch, "epoch")
    }
}

extension PlanRecord {
    public func problem() -> String? {
        if let problem = RunEvent.stepProblem(step) ?? RunEvent.listProblem(lr.count, "plan lr", 10_000_000) { return problem }
        if let bad = lr.first(where: { !$0.isFinite || $0 < 0 }) { return "plan lr \(bad) is not a learning rate" }
        return nil
    }
}

extension CommandOutcome {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) ?? from.flatMap({ RunEvent.stepProblem($0, "from") }) { return p }
        if outcome != .applied && (reason ?? "").isEmpty { return "a \(outcome.rawValue) outcome without a reason" }
        return nil
    }
}

extension ImageRecord {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) { return p }
        let sides = 1...RunEvent.maxImageSide
        guard sides.contains(rows), sides.contains(cols) else {
            return "images of \(rows)×\(cols) pixels (sides must be in 1…\(RunEvent.maxImageSide))"
        }
        let n = rows * cols
        for (name, images) in [("originals", originals), ("reconstructions", reconstructions), ("samples", samples)] {
            if let p = RunEvent.listProblem(images.count, name, 256) { return p }
            if let bad = images.first(where: { $0.count != n }) { return "\(name) holds an image of \(bad.count) pixels, not \(rows)×\(cols)" }
        }
        if let t = traversal {
            if !(0..<RunEvent.maxListed).contains(t.dimension) { return "traversal dimension \(t.dimension) is out of range" }
            if let p = RunEvent.listProblem(t.values.count, "traversal values", 64) { return p }
            if let bad = t.values.first(where: { !$0.isFinite }) { return "traversal value \(bad) is not finite" }
            for (name, images) in [("traversal test", t.test), ("traversal prior", t.prior)] {
                if images.count != t.values.count && !images.isEmpty { return "\(name) holds \(images.count) images for \(t.values.count) values" }
                if let bad = images.first(where: { $0.count != n }) { return "\(name) holds an image of \(bad.count) pixels, not \(rows)×\(cols)" }
            }
        }
        for picture in logged ?? [] {
            guard sides.contains(picture.rows), sides.contains(picture.cols), picture.pixels.count == picture.rows * picture.cols else {
                return "logged image \(picture.tag) of \(picture.rows)×\(picture.cols) pixels holds \(picture.pixels.count)"
            }
        }
        if let p = RunEvent.listProblem(logged?.count ?? 0, "logged images", 64) { return p }
        return nil
    }
}

extension RangeTestRecord {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) { return p }
        if !(0...RunEvent.maxRangeTestPoints).contains(steps) { return "range test steps \(steps) is out of range" }
        if let p = RunEvent.listProblem(lrs.count, "lrs", RunEvent.maxRangeTestPoints) { return p }
        if losses.count != lrs.count { return "range test has \(lrs.count) lrs but \(losses.count) losses" }
        if !smoothed.isEmpty && smoothed.count != losses.count {
            return "range test has \(losses.count) losses but \(smoothed.count) smoothed values"
        }
        return nil
    }
}

extension RunSummary {
    public func problem() -> String? {
        return RunEvent.stepProblem(step) ?? RunEvent.stepProblem(epoch, "epoch")
    }
}

extension RewindRecord {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) ?? RunEvent.stepProblem(to, "to") { return p }
        if !(1...RunEvent.maxStep).contains(branch) { return "branch \(branch) is outside 1…\(RunEvent.maxStep)" }
        return nil
    }
}

extension SnapshotsRecord {
    public func problem() -> String? {
        if let p = RunEvent.stepProblem(step) ?? RunEvent.listProblem(points.count, "points") { return p }
        if let bad = points.first(where: { !(0...RunEvent.maxStep).contains($0) }) { return "snapshot point \(bad) is outside 0…\(RunEvent.maxStep)" }
        if points != points.sorted() { return "snapshot points must be ascending" }
        if bytes < 0 || budget < 0 { return "snapshot bytes and budget must be ≥ 0" }
        return nil
    }
}
