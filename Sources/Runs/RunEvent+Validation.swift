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

    /// nil when the record is usable; else what is wrong, in a few words naming the field.
    public func problem() -> String? {
        let steps = 0...Self.maxStep
        func step(_ s: Int, _ field: String = "step") -> String? {
            steps.contains(s) ? nil : "\(field) \(s) is outside 0…\(Self.maxStep)"
        }
        func list(_ n: Int, _ field: String, _ limit: Int = Self.maxListed) -> String? {
            n <= limit ? nil : "\(field) lists \(n) values, more than \(limit)"
        }
        switch self {
        case .header(let h):
            if let p = h.config.problem() { return "header \(p.inFile)" }
            if let p = list(h.layers.count, "header layers") { return p }
            if !(0...(1 << 40)).contains(h.parameters) { return "header parameters \(h.parameters) is out of range" }
            if !(0...1_000_000_000).contains(h.trainImages) { return "header trainImages \(h.trainImages) is out of range" }
            if !(0...1_000_000_000).contains(h.testImages) { return "header testImages \(h.testImages) is out of range" }
            if !(0...1_000_000_000).contains(h.stepsPerEpoch) { return "header stepsPerEpoch \(h.stepsPerEpoch) is out of range" }
            if let p = h.parent, let problem = step(p.step, "parent step") { return "header \(problem)" }
            return list(h.capabilities?.count ?? 0, "header capabilities", 256)
        case .step(let m):
            if let p = step(m.step) ?? step(m.epoch, "epoch") { return p }
            if !(0...(1 << 24)).contains(m.batchSize) { return "batchSize \(m.batchSize) is outside 0…\(1 << 24)" }
            if !m.time.isFinite || m.time < 0 || m.time > 1e12 { return "time \(m.time) is not a number of seconds" }
            return list(m.klDims.count, "klDims") ?? list(m.layerGradNorms.count, "layerGradNorms")
                ?? list(m.klObjectiveDims?.count ?? 0, "klObjectiveDims")
        case .eval(let m):
            if let p = step(m.step) ?? step(m.epoch, "epoch") { return p }
            if let p = list(m.klDims.count, "klDims") ?? list(m.meanVariance.count, "meanVariance") ?? list(m.collapsed.count, "collapsed") {
                return p
            }
            if !(0...Self.maxListed).contains(m.activeUnits) { return "activeUnits \(m.activeUnits) is outside 0…\(Self.maxListed)" }
            if let d = m.collapsed.first(where: { !(0..<Self.maxListed).contains($0) }) { return "collapsed dimension \(d) does not exist" }
            if !(0...1_000_000_000).contains(m.images) { return "images \(m.images) is out of range" }
            return nil
        case .change(let c):
            if let p = step(c.step) { return p }
            if let v = c.new, let p = c.parameter.problem(with: v) { return p }
            return nil
        case .skipped(let s): return step(s.step) ?? step(s.epoch, "epoch")
        case .alert(let a): return step(a.step)
        case .plan(let p):
            if let problem = step(p.step) ?? list(p.lr.count, "plan lr", 10_000_000) { return problem }
            if let bad = p.lr.first(where: { !$0.isFinite || $0 < 0 }) { return "plan lr \(bad) is not a learning rate" }
            return nil
        case .outcome(let o):
            if let p = step(o.step) ?? o.from.flatMap({ step($0, "from") }) { return p }
            if o.outcome != .applied && (o.reason ?? "").isEmpty { return "a \(o.outcome.rawValue) outcome without a reason" }
            return nil
        case .checkpoint(let c): return step(c.step)
        case .state(let s): return step(s.step)
        case .images(let i):
            if let p = step(i.step) { return p }
            let sides = 1...Self.maxImageSide
            guard sides.contains(i.rows), sides.contains(i.cols) else {
                return "images of \(i.rows)×\(i.cols) pixels (sides must be in 1…\(Self.maxImageSide))"
            }
            let n = i.rows * i.cols
            for (name, images) in [("originals", i.originals), ("reconstructions", i.reconstructions), ("samples", i.samples)] {
                if let p = list(images.count, name, 256) { return p }
                if let bad = images.first(where: { $0.count != n }) { return "\(name) holds an image of \(bad.count) pixels, not \(i.rows)×\(i.cols)" }
            }
            if let t = i.traversal {
                if !(0..<Self.maxListed).contains(t.dimension) { return "traversal dimension \(t.dimension) is out of range" }
                if let p = list(t.values.count, "traversal values", 64) { return p }
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
            if let p = list(i.logged?.count ?? 0, "logged images", 64) { return p }
            return nil
        case .rangeTest(let r):
            if let p = step(r.step) { return p }
            if !(0...Self.maxRangeTestPoints).contains(r.steps) { return "range test steps \(r.steps) is out of range" }
            if let p = list(r.lrs.count, "lrs", Self.maxRangeTestPoints) { return p }
            if r.losses.count != r.lrs.count { return "range test has \(r.lrs.count) lrs but \(r.losses.count) losses" }
            if !r.smoothed.isEmpty && r.smoothed.count != r.losses.count {
                return "range test has \(r.losses.count) losses but \(r.smoothed.count) smoothed values"
            }
            return nil
        case .end(let e): return step(e.step) ?? step(e.epoch, "epoch")
        case .rewind(let r):
            if let p = step(r.step) ?? step(r.to, "to") { return p }
            if !(1...Self.maxStep).contains(r.branch) { return "branch \(r.branch) is outside 1…\(Self.maxStep)" }
            return nil
        case .snapshots(let s):
            if let p = step(s.step) ?? list(s.points.count, "points") { return p }
            if let bad = s.points.first(where: { !steps.contains($0) }) { return "snapshot point \(bad) is outside 0…\(Self.maxStep)" }
            if s.points != s.points.sorted() { return "snapshot points must be ascending" }
            if s.bytes < 0 || s.budget < 0 { return "snapshot bytes and budget must be ≥ 0" }
            return nil
        }
    }
}
