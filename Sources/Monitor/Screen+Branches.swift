import Runs
import TerminalUI

/// Branches on the charts: dimmed ghosts of what the run left at rewinds, fork marks, and the rewind cursor.
extension Screen {
    /// Ghosts drawn on the charts (the latest ones; the loss panel's badge counts the rest).
    static let ghostsShown = 3

    /// The ghosts the charts draw.
    static func shownGhosts(_ s: AppState) -> ArraySlice<Ghost> { s.run.ghosts.suffix(ghostsShown) }

    /// One dimmed series per shown ghost.
    static func ghostLines(_ s: AppState, color: Color, _ values: (Ghost) -> [Double]) -> [ChartSeries] {
        shownGhosts(s).map { ChartSeries(xs: $0.steps, ys: values($0), color: color, dimmed: true) }
    }

    /// A chart with the fork marks of the shown ghosts and the rewind cursor (a loss or gradient chart: scaled
    /// without its outliers).
    static func decorated(_ chart: LineChart, _ s: AppState, ignoreOutliers: Bool = false) -> LineChart {
        var c = chart
        c.ignoreOutliers = ignoreOutliers
        c.forks = shownGhosts(s).map { Double($0.fork) + 0.5 }
        c.cursor = s.rewindStep.map { Double(max($0, 1)) }
        if c.markers.count == s.run.changes.count { c.markerTags = s.run.changeTags }
        c.tagEnds = s.lettersForLines
        if let window = timeWindow(s) { c.xRange = window.lowerBound...max(window.upperBound, c.xRange?.upperBound ?? window.upperBound) }
        return c
    }

    /// The separator and arrow of the branch texts (ASCII with `--ascii` or a non-UTF-8 locale).
    static func dot(_ ascii: Bool) -> String { ascii ? " - " : " · " }
    static func arrow(_ ascii: Bool) -> String { ascii ? "->" : "→" }

    /// The loss panel's badge: the branch and how many ghosts are drawn or hidden (`hidden`: say how many are not
    /// drawn).
    static func branchBadge(_ run: RunView, ascii: Bool = false, hidden showHidden: Bool = true) -> String? {
        guard run.ghostCount > 0 else { return nil }
        let hidden = showHidden ? run.ghostCount - min(run.ghosts.count, ghostsShown) : 0
        return "branch \(run.branch)\(dot(ascii))\(run.ghostCount) ghost\(run.ghostCount == 1 ? "" : "s")" + (hidden > 0 ? " (\(hidden) hidden)" : "")
    }

    /// What the KL panel shows: the live branch, or (after `b`) a ghost joined to the shared history before its fork.
    static func klSource(_ s: AppState) -> (steps: [Double], dims: [[Float]], title: String?) {
        let run = s.run
        guard let k = s.klBranch, k < run.ghosts.count else { return (run.steps, run.klDims, nil) }
        let g = run.ghosts[k]
        let shared = min(SeriesIndex.count(run.steps, atMost: Double(g.fork)), run.klDims.count)
        return (Array(run.steps[..<shared]) + g.steps, Array(run.klDims[..<shared]) + g.klDims,
                "branch \(g.branch), left at step \(g.left)")
    }

    /// The hint line while the rewind cursor is up: where it is and what Enter will do.
    static func rewindHint(_ s: AppState, at step: Int) -> String {
        let points = s.run.snapshotPoints
        let i = (points.firstIndex(of: step) ?? points.count - 1) + 1
        // Narrow terminals: short words, so that ⏎ and esc keep their hints.
        let short = s.width < 100
        // The test loss of an evaluation at the snapshot's step (snapshots are taken at evaluations), else the
        // train loss of that step's one batch, said as such.
        let run = s.run
        let e = SeriesIndex.count(run.evalSteps, atMost: Double(step)) - 1
        let at = SeriesIndex.count(run.steps, atMost: Double(step)) - 1
        let loss: String
        if e >= 0, e < run.evalLoss.count, run.evalSteps[e] == Double(step) {
            loss = "\(dot(s.ascii))\(short ? "test" : "test loss") \(fmt(run.evalLoss[e]))"
        } else if at >= 0, at < run.loss.count {
            loss = "\(dot(s.ascii))\(short ? "train" : "train loss") \(fmt(run.loss[at]))"
        } else {
            loss = ""
        }
        return short ? "step \(step)\(loss)\(dot(s.ascii))\(i)/\(points.count) "
                             : "rewind to step \(step)\(loss)\(dot(s.ascii))snapshot \(i)/\(points.count) "
    }

    /// The way back after a divergence, as the hint line offers it: in full when it fits, else in short.
    static func divergenceHint(_ s: AppState) -> String? {
        guard let full = divergenceHint(s, short: false) else { return nil }
        return full.count + 2 <= s.width ? full : divergenceHint(s, short: true)
    }

    static func divergenceHint(_ s: AppState, short: Bool) -> String? {
        guard let n = s.run.divergedAt, s.mode == .live || s.mode == .follow, !s.run.snapshotPoints.isEmpty else { return nil }
        var ways: [String] = []
        if let c = s.run.changes.last(where: { $0.origin != .undo && $0.origin != .rewind && $0.step >= (s.run.ghosts.last?.fork ?? 0) }) {
            ways.append(short ? "u undo \(c.parameter.label) \(c.new.map(fmt) ?? "")" : "u undo \(c.parameter.label) \(c.old.map(fmt) ?? "off") \(arrow(s.ascii)) \(c.new.map(fmt) ?? "schedule")")
        }
        if let m = Reducer.initialRewindStep(s.run) { ways.append(short ? "r rewind to step \(m)" : "r rewind to the last healthy snapshot (step \(m))") }
        if short { ways.append("? help") }
        return "diverged at step \(n): " + ways.joined(separator: dot(s.ascii))
    }
}
