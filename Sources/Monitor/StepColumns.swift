import Runs

/// The screen's per-step history, one column per field of the step record as `StepMetrics.fields` declares them
/// (a VAE-GAN's part by `GANStepMetrics.fields`): numbers for scalars, vectors for list fields, and for optional
/// fields whether each step had one. Appending, cutting after a rewind, thinning and a ghost's copy loop over the
/// columns, and any step can be read back whole (`record(at:)`), so the screen after a rewind shows every field of
/// the step gone back to, not the abandoned branch's.
public struct StepColumns: Sendable {
    /// Per `StepMetrics.fields` entry: a scalar field's numbers (nan where absent; empty for other fields).
    var numbers: [[Double]] = Array(repeating: [], count: StepMetrics.fields.count)
    /// Per `StepMetrics.fields` entry: a list field's vectors (empty where absent; empty for other fields).
    var vectors: [[[Float]]] = Array(repeating: [], count: StepMetrics.fields.count)
    /// Per `StepMetrics.fields` entry: an optional field's presence at each step (empty for required fields).
    var present: [[Bool]] = Array(repeating: [], count: StepMetrics.fields.count)
    /// Per `GANStepMetrics.fields` entry: the VAE-GAN part's numbers. Empty until a step has one, then one per step.
    var gan: [[Double]] = Array(repeating: [], count: GANStepMetrics.fields.count)
    /// Whether each step had a VAE-GAN part (empty until one had).
    var ganPresent: [Bool] = []
    /// Per `StepMetrics.fields` and `GANStepMetrics.fields` entry: whether its column holds a finite number (kept as
    /// steps come, so a frame asking "does this run log capacity?" reads a flag instead of scanning the history).
    var finite = Array(repeating: false, count: StepMetrics.fields.count)
    var ganFinite = Array(repeating: false, count: GANStepMetrics.fields.count)

    static let scalarFields = StepMetrics.fields.indices.filter { StepMetrics.fields[$0].value.isScalar }
    static let listFields = StepMetrics.fields.indices.filter { StepMetrics.fields[$0].value.isList }
    static let optionalFields = StepMetrics.fields.indices.filter { StepMetrics.fields[$0].isOptional && !StepMetrics.fields[$0].value.isNested }
    static let stepField = StepMetrics.index(of: "step")!
    static let klDimsField = StepMetrics.index(of: "klDims")!

    /// Steps held.
    public var count: Int { numbers[Self.stepField].count }

    /// How a step field is read in `append`: its type and byte offset in `StepMetrics` (found once from the table's
    /// key paths, as the fast parser does), so folding a long history in needs no key path per value.
    enum Slot { case int, float, double, bool, optionalFloat, optionalDouble, floats, optionalFloats }
    static let slots: [(field: Int, slot: Slot, offset: Int)] = StepMetrics.fields.indices.compactMap { i in
        func at<V>(_ k: WritableKeyPath<StepMetrics, V>) -> Int { MemoryLayout<StepMetrics>.offset(of: k)! }
        switch StepMetrics.fields[i].value {
        case .int(let k): return (i, .int, at(k))
        case .float(let k): return (i, .float, at(k))
        case .double(let k): return (i, .double, at(k))
        case .bool(let k): return (i, .bool, at(k))
        case .optionalFloat(let k): return (i, .optionalFloat, at(k))
        case .optionalDouble(let k): return (i, .optionalDouble, at(k))
        case .floats(let k): return (i, .floats, at(k))
        case .optionalFloats(let k): return (i, .optionalFloats, at(k))
        case .ints, .gan, .optionalInt: return nil
        }
    }

    mutating func append(_ m: StepMetrics) {
        let n = count
        withUnsafePointer(to: m) { p in
            let raw = UnsafeRawPointer(p)
            func load<T>(_ offset: Int, _ type: T.Type) -> T { (raw + offset).assumingMemoryBound(to: T.self).pointee }
            for (i, slot, offset) in Self.slots {
                switch slot {
                case .int: numbers[i].append(Double(load(offset, Int.self))); finite[i] = true
                case .float:
                    let v = load(offset, Float.self)
                    numbers[i].append(Double(v)); if v.isFinite { finite[i] = true }
                case .double:
                    let v = load(offset, Double.self)
                    numbers[i].append(v); if v.isFinite { finite[i] = true }
                case .bool: numbers[i].append(load(offset, Bool.self) ? 1 : 0)
                case .optionalFloat:
                    let v = load(offset, Float?.self)
                    numbers[i].append(v.map(Double.init) ?? .nan); present[i].append(v != nil); if v?.isFinite == true { finite[i] = true }
                case .optionalDouble:
                    let v = load(offset, Double?.self)
                    numbers[i].append(v ?? .nan); present[i].append(v != nil); if v?.isFinite == true { finite[i] = true }
                case .floats: vectors[i].append(load(offset, [Float].self))
                case .optionalFloats:
                    let v = load(offset, [Float]?.self)
                    vectors[i].append(v ?? []); present[i].append(v != nil)
                }
            }
        }
        if m.gan != nil && ganPresent.isEmpty {
            // The first VAE-GAN part: the columns start here, aligned with the steps.
            ganPresent = Array(repeating: false, count: n)
            for i in gan.indices { gan[i] = Array(repeating: .nan, count: n) }
        }
        guard m.gan != nil || !ganPresent.isEmpty else { return }
        ganPresent.append(m.gan != nil)
        for (i, f) in GANStepMetrics.fields.enumerated() {
            let v = m.gan.flatMap { f.number($0) } ?? .nan
            gan[i].append(v); if v.isFinite { ganFinite[i] = true }
        }
    }

    /// The step record at `i`, every field read back.
    func record(at i: Int) -> StepMetrics {
        var m = StepMetrics.blank
        for f in Self.scalarFields where present[f].isEmpty || present[f][i] { StepMetrics.fields[f].set(numbers[f][i], in: &m) }
        for f in Self.listFields where present[f].isEmpty || present[f][i] { StepMetrics.fields[f].setFloats(vectors[f][i], in: &m) }
        if i < ganPresent.count && ganPresent[i] {
            var g = GANStepMetrics.blank
            for (k, f) in GANStepMetrics.fields.enumerated() { f.set(gan[k][i], in: &g) }
            m.gan = g
        }
        return m
    }

    /// The values of the series `s` (a field's column; a VAE-GAN field's for the VAE-GAN series).
    subscript(_ s: StepSeries) -> [Double] {
        let (inGAN, i) = Self.seriesField[s.rawValue]
        return inGAN ? gan[i] : numbers[i]
    }

    /// Whether the series `s` holds a finite number at any step.
    func hasFinite(_ s: StepSeries) -> Bool {
        let (inGAN, i) = Self.seriesField[s.rawValue]
        return inGAN ? ganFinite[i] : finite[i]
    }

    /// Where each series lives: (in the VAE-GAN part, field position).
    static let seriesField: [(Bool, Int)] = StepSeries.allCases.map { s in
        if let i = StepMetrics.fields.firstIndex(where: { $0.series == s }) { return (false, i) }
        return (true, GANStepMetrics.fields.firstIndex { $0.series == s }!)
    }

    /// Keeps the first `n` steps.
    mutating func keepFirst(_ n: Int) {
        func cut<T>(_ a: inout [T]) { if a.count > n { a.removeLast(a.count - n) } }
        for i in numbers.indices { cut(&numbers[i]); cut(&vectors[i]); cut(&present[i]) }
        for i in gan.indices { cut(&gan[i]) }
        cut(&ganPresent)
        recomputeFinite()
    }

    /// The finite flags read again from the columns (after steps were cut off).
    private mutating func recomputeFinite() {
        for i in Self.scalarFields { finite[i] = numbers[i].contains { $0.isFinite } }
        for i in gan.indices { ganFinite[i] = gan[i].contains { $0.isFinite } }
    }

    /// The steps from `n` on (a ghost's copy of the branch left at a rewind).
    func dropFirst(_ n: Int) -> StepColumns {
        var c = StepColumns()
        c.numbers = numbers.map { Array($0.dropFirst(n)) }
        c.vectors = vectors.map { Array($0.dropFirst(n)) }
        c.present = present.map { Array($0.dropFirst(n)) }
        c.gan = gan.map { Array($0.dropFirst(n)) }
        c.ganPresent = Array(ganPresent.dropFirst(n))
        c.recomputeFinite()
        return c
    }

    /// Thins the oldest `region` steps of every column (`RunView+Thinning`).
    mutating func thin(_ region: Int) {
        for i in Self.scalarFields {
            numbers[i] = i == Self.stepField ? RunView.thinPositions(numbers[i], region) : RunView.thinValues(numbers[i], region)
        }
        for i in Self.listFields { vectors[i] = RunView.thinVectors(vectors[i], region) }
        for i in Self.optionalFields { present[i] = RunView.thinFlags(present[i], region) }
        for i in gan.indices { gan[i] = RunView.thinValues(gan[i], region) }
        ganPresent = RunView.thinFlags(ganPresent, region)
    }
}
