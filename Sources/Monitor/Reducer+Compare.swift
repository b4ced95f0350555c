import TerminalUI

/// The keys of a comparison: focus a run, show or hide it, the compared metric, the KL difference, the table's order.
extension Reducer {
    static func compareKey(_ s: inout AppState, _ action: KeyBinding.Action, _ k: Key) {
        guard s.comparing else {
            s.flash = ("one run: replay A B (or a folder of runs) or watch A B compares several", .inactiveFg)
            return
        }
        switch action {
        case .selectRun:
            // The run table's order: ] moves down the table, [ up, wrapping around.
            let order = RunTable(s).rows.map(\.slot)
            let i = order.firstIndex(of: s.focusedRun) ?? 0
            s.focusedRun = order[(i + (k == .char("]") ? 1 : order.count - 1)) % order.count]
        case .toggleRun:
            let slot = s.focusedRun
            if s.hiddenRuns.contains(slot) {
                guard s.runCount - s.hiddenRuns.count < AppState.maxDrawn else {
                    s.flash = ("the charts draw \(AppState.maxDrawn) runs at most: v on a drawn one hides it first", .warn)
                    return
                }
                s.hiddenRuns.remove(slot)
                s.assignColor(slot)
            } else {
                s.hiddenRuns.insert(slot)
            }
        case .compareMetric:
            s.compareMetric = s.compareMetric.next
            s.flash = ("comparing \(s.compareMetric.rawValue) (n: \(s.compareMetric.next.rawValue))", .inactiveFg)
        case .klDifference:
            guard s.klDifference || s.runCount - s.hiddenRuns.count >= 2 else {
                s.flash = ("the KL difference needs two drawn runs (v shows one)", .inactiveFg)
                return
            }
            s.klDifference.toggle()
        case .sortRuns:
            let columns = RunTable(s).columns
            if k == .char("O") {
                s.runSort.reversed.toggle()
            } else {
                s.runSort.column = (s.runSort.column + 1) % columns.count
                s.runSort.reversed = false
            }
            let c = columns[min(s.runSort.column, columns.count - 1)]
            let way: String
            if let larger = c.largerIsBetter { way = larger != s.runSort.reversed ? "largest first" : "smallest first" } else { way = s.runSort.reversed ? "Z to A" : "A to Z" }
            s.flash = ("runs sorted by \(c.title), \(way) (o: next column, O: reverse)", .inactiveFg)
        default: break
        }
    }
}
