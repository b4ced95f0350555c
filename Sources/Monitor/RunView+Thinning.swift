/// Bounded history: the most recent points at full resolution, older ones thinned so that every spike survives.
///
/// When a run holds `historyCapacity` points, its oldest half is compacted: each group of four points becomes two,
/// holding the group's minimum and maximum in the order they occurred (NaN ignored), placed at the group's first
/// and third step. Older points are compacted again at each round, so the past gets sparser geometrically while
/// the last quarter of the capacity or more stays exact. Memory is then bounded whatever the run's length, and a
/// chart (which draws the min and max of each pixel column anyway) shows the same extremes.
extension RunView {
    /// Points kept per series before the oldest half is thinned.
    public static let historyCapacity = 1 << 16
    /// Evaluations kept before the oldest half is thinned.
    public static let evalCapacity = 1 << 12

    /// Thins the step series when they reach `historyCapacity`.
    mutating func thinIfFull() {
        guard columns.count >= Self.historyCapacity else { return }
        let region = Self.historyCapacity / 2
        columns.thin(region)
        for k in Smoothed.series { smoothed[keyPath: k] = Self.thinValues(smoothed[keyPath: k], region) }
        thinned += 1
    }

    /// Thins the evaluations when they reach `evalCapacity`.
    mutating func thinEvalsIfFull() {
        guard evalSteps.count >= Self.evalCapacity else { return }
        let region = Self.evalCapacity / 2
        evalSteps = Self.thinPositions(evalSteps, region)
        // The evaluations kept are those whose steps are: their counts and MI go with them.
        evalActive = Self.thinPositions(evalActive, region)
        evalCollapsed = Self.thinPositions(evalCollapsed, region)
        evalMI = Self.thinPositions(evalMI, region)
        evalLoss = Self.thinValues(evalLoss, region)
    }

    /// Steps of `xs[..<region]` thinned to the first and third of each group of four; the rest unchanged.
    static func thinPositions(_ xs: [Double], _ region: Int) -> [Double] {
        guard xs.count >= region else { return xs }
        var out: [Double] = []
        out.reserveCapacity(xs.count - region / 2)
        for g in stride(from: 0, to: region, by: 4) { out.append(xs[g]); out.append(xs[g + 2]) }
        out.append(contentsOf: xs[region...])
        return out
    }

    /// Flags of `fs[..<region]`: each group of four becomes two, each set when any of the group's was.
    static func thinFlags(_ fs: [Bool], _ region: Int) -> [Bool] {
        guard fs.count >= region else { return fs }
        var out: [Bool] = []
        out.reserveCapacity(fs.count - region / 2)
        for g in stride(from: 0, to: region, by: 4) {
            let any = fs[g] || fs[g + 1] || fs[g + 2] || fs[g + 3]
            out.append(any); out.append(any)
        }
        out.append(contentsOf: fs[region...])
        return out
    }

    /// Values of `ys[..<region]`: each group of four becomes its minimum and maximum, in the order they occurred.
    static func thinValues(_ ys: [Double], _ region: Int) -> [Double] {
        guard ys.count >= region else { return ys }   // a series that is not logged every step (or at all)
        var out: [Double] = []
        out.reserveCapacity(ys.count - region / 2)
        for g in stride(from: 0, to: region, by: 4) {
            var lo = Double.nan, hi = Double.nan, loAt = 0, hiAt = 0
            for i in g..<(g + 4) {
                let v = ys[i]
                guard !v.isNaN else { continue }
                if lo.isNaN || v < lo { lo = v; loAt = i }
                if hi.isNaN || v > hi { hi = v; hiAt = i }
            }
            if loAt <= hiAt { out.append(lo); out.append(hi) } else { out.append(hi); out.append(lo) }
        }
        out.append(contentsOf: ys[region...])
        return out
    }

    /// KL vectors of `vs[..<region]`: each group of four becomes its element-wise minimum, then maximum.
    static func thinVectors(_ vs: [[Float]], _ region: Int) -> [[Float]] {
        guard vs.count >= region else { return vs }
        var out: [[Float]] = []
        out.reserveCapacity(vs.count - region / 2)
        for g in stride(from: 0, to: region, by: 4) {
            let n = vs[g..<(g + 4)].map(\.count).max() ?? 0
            var lo = [Float](repeating: .nan, count: n), hi = [Float](repeating: .nan, count: n)
            for v in vs[g..<(g + 4)] {
                for (j, x) in v.enumerated() where !x.isNaN {
                    if lo[j].isNaN || x < lo[j] { lo[j] = x }
                    if hi[j].isNaN || x > hi[j] { hi[j] = x }
                }
            }
            out.append(lo); out.append(hi)
        }
        out.append(contentsOf: vs[region...])
        return out
    }
}
