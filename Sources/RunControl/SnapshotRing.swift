/// The in-memory snapshots of a run, kept under a memory budget.
///
/// When a new snapshot would exceed the budget, older points are thinned rather than the oldest era dropped: the
/// point whose removal leaves the smallest gap relative to its age goes first, so recent points stay dense and old
/// ones sparse (about logarithmically in age). Points taken before a change and the run's first point weigh more,
/// and snapshots of the same weights (several changes at one step) share their buffers and count once.
struct SnapshotRing {
    /// Bytes the snapshots may hold at most (0: none are kept).
    let memory: Int
    /// Snapshots' worth the ring may hold: with `memory`, whichever is less (`RunConfig.snapshotCount`).
    let count: Int
    /// Bytes the snapshots may hold: `memory`, or `count` snapshots' worth once one was taken, whichever is less.
    private(set) var budget: Int
    /// Snapshots in the order they were taken (ascending id; ascending step along the current timeline).
    private(set) var items: [TrainingSnapshot] = []
    /// Bytes held now (buffers shared by several snapshots counted once).
    private(set) var bytes = 0
    /// The buffers of the last snapshot thinned out, kept to be written over by the next one (no allocation, no
    /// page faults for a new snapshot once the ring is full).
    private var spare: [[Float]]?

    init(budget: Int, count: Int = .max) { memory = budget; self.count = count; self.budget = budget }

    /// Takes the spare buffers, if their sizes are `counts`.
    mutating func takeSpare(counts: [Int]) -> [[Float]]? {
        guard let s = spare, s.map(\.count) == counts else { return nil }
        spare = nil
        return s
    }

    /// Adds a snapshot, then thins until the budget holds. Returns false when even this one alone does not fit.
    @discardableResult
    mutating func insert(_ s: TrainingSnapshot) -> Bool {
        let one = Self.cost(of: [s])
        guard memory > 0, one <= memory else { return false }
        // Sized to the model: `count` snapshots of this run (their size does not change during a run).
        budget = count > memory / max(one, 1) ? memory : count * one
        items.append(s)
        bytes = Self.cost(of: items)
        while bytes > budget, items.count > 1 {
            removeGroup(at: thinningCandidate())
            bytes = Self.cost(of: items)
        }
        return true
    }

    /// Drops every snapshot taken after `id` (the abandoned future after a rewind to it).
    mutating func dropAfter(id: Int) {
        items.removeAll { $0.id > id }
        bytes = Self.cost(of: items)
    }

    /// Drops one snapshot (e.g. the one taken before a change that was then refused).
    mutating func remove(id: Int) {
        items.removeAll { $0.id == id }
        bytes = Self.cost(of: items)
    }

    /// The latest finite snapshot at or before `step`.
    func latest(atOrBefore step: Int) -> TrainingSnapshot? { items.last { $0.step <= step && $0.finite } }

    /// The snapshot with this id.
    func snapshot(id: Int) -> TrainingSnapshot? { items.first { $0.id == id } }

    /// The steps one can rewind to (finite snapshots), ascending and distinct.
    var points: [Int] {
        var out: [Int] = []
        for s in items where s.finite && out.last != s.step { out.append(s.step) }
        return out
    }

    /// Bytes of a set of snapshots, each weight version counted once.
    static func cost(of snaps: [TrainingSnapshot]) -> Int {
        var seen = Set<Int>(), total = 0
        for s in snaps {
            total += s.meta.permutation.count * MemoryLayout<Int>.stride
            if seen.insert(s.version).inserted { total += s.bytes - s.meta.permutation.count * MemoryLayout<Int>.stride }
        }
        return total
    }

    /// Groups: runs of consecutive snapshots of the same weights (one point on the time axis).
    private var groups: [Range<Int>] {
        var out: [Range<Int>] = [], start = 0
        for i in items.indices.dropFirst() where items[i].version != items[i - 1].version { out.append(start..<i); start = i }
        if !items.isEmpty { out.append(start..<items.count) }
        return out
    }

    /// The group to drop: never the newest; the smallest (gap left behind) / (age), weighted to keep the first
    /// point and points taken before changes.
    private func thinningCandidate() -> Range<Int> {
        let g = groups
        guard g.count > 1 else { return g[0] }
        let newest = Double(items[g[g.count - 1].lowerBound].step)
        var best = g[0], bestScore = Double.infinity
        for k in 0..<(g.count - 1) {
            let step = Double(items[g[k].lowerBound].step)
            let before = k > 0 ? Double(items[g[k - 1].lowerBound].step) : step
            let after = Double(items[g[k + 1].lowerBound].step)
            var score = (after - before + 1) / (newest - step + 1)
            if k == 0 { score *= 8 }
            if items[g[k]].contains(where: { $0.reason == .change }) { score *= 4 }
            if score < bestScore { bestScore = score; best = g[k] }
        }
        return best
    }

    private mutating func removeGroup(at r: Range<Int>) {
        let gone = items[r.lowerBound]
        items.removeSubrange(r)
        if !items.contains(where: { $0.version == gone.version }) { spare = gone.buffers }
    }
}
