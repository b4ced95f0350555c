import Runs

extension RunView {
    /// Ghosts kept in memory (the oldest beyond this are dropped and counted in `droppedGhosts`).
    public static let ghostCapacity = 16

    /// A rewind: what the run held after `to` becomes a ghost, and the live lines go back to `to`.
    mutating func rewind(_ r: RewindRecord) {
        let keep = SeriesIndex.count(steps, atMost: Double(r.to))
        let keepEval = SeriesIndex.count(evalSteps, atMost: Double(r.to))
        var smooth = Smoothed()
        for k in Smoothed.series { smooth[keyPath: k] = Array(smoothed[keyPath: k].dropFirst(keep)) }
        let ghost = Ghost(branch: branch, fork: r.to, left: r.step, detail: r.detail, columns: columns.dropFirst(keep), smoothed: smooth,
                          evalSteps: Array(evalSteps[keepEval...]), evalLoss: Array(evalLoss[keepEval...]),
                          changes: changes.filter { $0.step > r.to })
        ghosts.append(ghost)
        if ghosts.count > Self.ghostCapacity { ghosts.removeFirst(); droppedGhosts += 1 }
        truncate(after: r.to)
        branch = r.branch
        if state == .diverged { state = .paused }
        log(r.step, "\(r.reason == .undo ? "undo" : "rewind"): step \(r.step) → \(r.to), branch \(r.branch) (\(r.detail))", .marker)
        logBarrier = log.count
    }

    /// Ghosts in all, including those dropped from memory.
    public var ghostCount: Int { ghosts.count + droppedGhosts }

    /// The step the run diverged at (its non-finite streak pause), while it is paused there.
    public var divergedAt: Int? { state == .diverged ? lastStep?.step ?? 0 : nil }
}
