import Runs

/// The runs of a comparison by slot (0: the first run, k: `compared[k - 1]`): which are drawn, in which colour, and
/// the state a frame is drawn from when another run than the first has the focus.
extension AppState {
    /// The most runs the charts draw at once (the run table lists every run).
    public static let maxDrawn = 8

    /// Whether other runs are compared with the first.
    public var comparing: Bool { !compared.isEmpty }

    /// Runs in the comparison, the first included.
    var runCount: Int { compared.count + 1 }

    /// The slot of `compared[i]` in this state (the focused run and the first trade places when drawing).
    func slot(ofCompared i: Int) -> Int { i + 1 == slotOfRun ? 0 : i + 1 }

    /// The compared runs drawn, with their slots.
    var visibleCompared: [(slot: Int, run: ComparedRun)] {
        compared.indices.map { (slot(ofCompared: $0), compared[$0]) }.filter { !hiddenRuns.contains($0.0) }
    }

    /// Every run with its slot, name and view (in this state's arrangement), in slot order.
    var allRuns: [(slot: Int, name: String, run: RunView)] {
        ([(slotOfRun, runName, run)] + compared.indices.map { (slot(ofCompared: $0), compared[$0].name, compared[$0].run) })
            .sorted { $0.0 < $1.0 }
    }

    /// How far the compared runs are drawn: in a replay up to the first run's step while it plays; all of them once
    /// it ended, and always when watching runs as they are written.
    var revealedUpTo: Double {
        if let revealLimit { return revealLimit }
        return mode != .replay || run.end != nil ? .infinity : Double(run.lastStep?.step ?? 0)
    }

    /// Hides the runs beyond `maxDrawn` and gives the drawn ones their colours; called once the runs are known. The
    /// first run (the one that plays) is drawn and focused; of the others, those first in the table's order (best
    /// test loss first).
    public mutating func setUpComparison() {
        guard comparing else { return }
        let order = RunTable(self).rows.map(\.slot).filter { $0 != 0 }
        hiddenRuns = Set(order.dropFirst(Self.maxDrawn - 1))
        runColors = [:]
        for slot in 0..<runCount where !hiddenRuns.contains(slot) { assignColor(slot) }
        focusedRun = 0
    }

    /// Gives a run that becomes drawn the first palette colour no other drawn run has.
    mutating func assignColor(_ slot: Int) {
        let taken = Set(runColors.filter { !hiddenRuns.contains($0.key) && $0.key != slot }.values)
        runColors[slot] = (0...).first { !taken.contains($0) }!
    }

    /// The state a frame is drawn from: when a compared run has the focus it takes the first run's place (its
    /// name, its status, its panels), revealed up to where the first run is; the first run becomes a compared one.
    var focusedState: AppState {
        guard focusedRun > 0, compared.indices.contains(focusedRun - 1) else { return self }
        var f = self
        let upTo = revealedUpTo
        var view = compared[focusedRun - 1].run
        if upTo.isFinite, let last = view.lastStep?.step, Double(last) > upTo {
            view.truncate(after: Int(upTo))
            view.end = nil
            view.state = run.state == .paused ? .paused : .running
        }
        f.run = view
        f.runName = compared[focusedRun - 1].name
        f.compared[focusedRun - 1] = ComparedRun(name: runName, view: run)
        f.slotOfRun = focusedRun
        f.revealLimit = upTo
        return f
    }
}
