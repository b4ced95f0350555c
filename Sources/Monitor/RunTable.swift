import Foundation
import Runs

/// The table of a comparison: one row per run with its final and best test loss, active units, collapsed
/// dimensions and mutual information (as far as the runs are revealed), then the settings whose values differ
/// between the runs ("only what differs"), sorted by any column (`o`, `O`). The screen's runs panel and the
/// no-terminal summary of a sweep both print it.
public struct RunTable {
    /// The order: a column and whether it is reversed (each column runs best first: losses and collapsed counts
    /// smallest first, AU and MI largest first, text alphabetically).
    public struct Sort: Sendable, Equatable {
        public var column = RunTable.bestColumn
        public var reversed = false
        public init() {}
    }

    /// A column: its title and how its numbers rank (nil: text, alphabetical).
    public struct Column: Equatable, Sendable {
        public let title: String
        public let largerIsBetter: Bool?
    }

    /// A run's row: its slot (`AppState+Compare`), name and cells, and the numbers it sorts by.
    public struct Row {
        public let slot: Int
        public let name: String
        public let cells: [String]
        let keys: [Double?]
    }

    public let columns: [Column]
    /// In the table's order.
    public let rows: [Row]

    /// A loss as the tables give it: two decimals, or three digits and an exponent for a diverged run's astronomically
    /// large one (24 digits would push every other column off the table).
    public static func lossText(_ v: Double) -> String {
        abs(v) < 1e6 || !v.isFinite ? String(format: "%.2f", v) : String(format: "%.3g", v)
    }

    /// The metric columns, before the settings that differ.
    static let metricColumns = [Column(title: "run", largerIsBetter: nil), Column(title: "test", largerIsBetter: false),
                                Column(title: "best", largerIsBetter: false), Column(title: "AU", largerIsBetter: true),
                                Column(title: "coll", largerIsBetter: false), Column(title: "MI", largerIsBetter: true)]
    /// The default order: best test loss.
    public static let bestColumn = 2

    /// Settings that say how a run is trained but not what it learns: never a column.
    static let operational: Set<String> = ["data", "threads", "checkpointEvery", "snapshotEvery", "snapshotMemory", "snapshotCount"]

    /// The table of a state's runs (revealed up to where the first run is).
    init(_ s: AppState) { self.init(runs: s.allRuns, upTo: s.revealedUpTo, sort: s.runSort) }

    /// The table of `runs` as far as step `upTo`.
    public init(runs: [(slot: Int, name: String, run: RunView)], upTo: Double, sort: Sort) {
        let differing = Self.differingSettings(runs.map(\.run.header))
        // The IWAE bound (Burda et al. 2016) where a run has one (vaetop writes it at a run's end).
        let iwae = runs.contains { $0.run.lastEval?.iwae != nil }
        // The guards' repairs (docs/guards.md), where a run has any: how often its guards fired.
        let guarded = runs.contains { !$0.run.guardFirings.isEmpty }
        columns = Self.metricColumns + (iwae ? [Column(title: "IWAE", largerIsBetter: false)] : [])
            + (guarded ? [Column(title: "guard", largerIsBetter: false)] : [])
            + differing.map { Column(title: $0.title, largerIsBetter: $0.numeric ? false : nil) }
        let built: [Row] = runs.map { r in
            let v = r.run
            let n = min(SeriesIndex.count(v.evalSteps, atMost: upTo), v.evalLoss.count)
            func last(_ ys: [Double]) -> Double? { n > 0 && n <= ys.count && ys[n - 1].isFinite ? ys[n - 1] : nil }
            let final = last(v.evalLoss), best = v.evalLoss.prefix(n).filter(\.isFinite).min()
            let au = last(v.evalActive), collapsed = last(v.evalCollapsed), mi = last(v.evalMI)
            let dims = v.lastEval?.klDims.count ?? v.header?.config.latent ?? 0
            func f2(_ x: Double?) -> String { x.map(Self.lossText) ?? "–" }
            var cells = [r.name, f2(final), f2(best), au.map { "\(Int($0))/\(dims)" } ?? "–", collapsed.map { "\(Int($0))" } ?? "–",
                         mi.map { String(format: "%.3g", $0) } ?? "–"]
            var keys: [Double?] = [nil, final, best, au, collapsed, mi]
            if iwae {
                // Once the run is shown to its end (the bound is of its last evaluation).
                let bound = n == v.evalLoss.count ? v.lastEval?.iwae.map(Double.init) : nil
                cells.append(f2(bound)); keys.append(bound)
            }
            if guarded {
                let fired = v.guardFirings.values.reduce(0, +)
                cells.append("\(fired)"); keys.append(Double(fired))
            }
            for d in differing {
                let text = d.value(v.header)
                cells.append(text); keys.append(d.numeric ? Double(text) : nil)
            }
            return Row(slot: r.slot, name: r.name, cells: cells, keys: keys)
        }
        let column = min(sort.column, columns.count - 1), larger = columns[column].largerIsBetter
        rows = built.sorted { a, b in
            let ordered: Bool
            if let larger, a.keys[column] != b.keys[column] {
                // A run without the number goes last whichever way the table runs.
                guard let x = a.keys[column] else { return false }
                guard let y = b.keys[column] else { return true }
                ordered = larger ? x > y : x < y
            } else if a.cells[column] != b.cells[column] {
                ordered = a.cells[column].localizedStandardCompare(b.cells[column]) == .orderedAscending
            } else {
                return a.slot < b.slot
            }
            return sort.reversed ? !ordered : ordered
        }
    }

    /// A setting (or another program's logged hparam) whose value is not the same in every run.
    struct Differing {
        let title: String
        let numeric: Bool
        let value: (RunHeader?) -> String
    }

    /// The settings and hparams that differ between the runs' headers, in the settings table's order.
    static func differingSettings(_ headers: [RunHeader?]) -> [Differing] {
        guard headers.count > 1 else { return [] }
        var out: [Differing] = []
        for setting in RunConfig.settings where !operational.contains(setting.name) {
            let value: (RunHeader?) -> String = { h in h.map { $0.logged == nil ? setting.text($0.config) : "–" } ?? "–" }
            let values = headers.map(value)
            guard Set(values).count > 1 else { continue }
            let title = setting.flag.map { String($0.drop { $0 == "-" }) } ?? setting.name
            out.append(Differing(title: title, numeric: setting.number(RunConfig()) != nil, value: value))
        }
        let keys = Set(headers.flatMap { $0?.hparams?.keys.map { $0 } ?? [] }).sorted()
        for key in keys {
            let value: (RunHeader?) -> String = { $0?.hparams?[key] ?? "–" }
            let values = headers.map(value)
            guard Set(values).count > 1 else { continue }
            out.append(Differing(title: key.replacingOccurrences(of: "hparam/", with: ""), numeric: values.allSatisfy { $0 == "–" || Double($0) != nil },
                                 value: value))
        }
        return out
    }

    /// What the metric columns mean (the text table's last line; the runs panel's title says it short).
    public static let legend = "test, best: the last and the best test loss (nats per image, lower is better); AU: active units "
        + "(var μ > 0.01); coll: collapsed dimensions (test KL < threshold); MI: mutual information I(x; z) (nats); "
        + "IWAE: the importance-weighted bound on -log p(x) (nats, lower is better); guard: the guards' repairs"

    /// The best value of each numeric column among the rows (nil for text columns or where no run has one).
    public var best: [Double?] {
        columns.indices.map { c in
            guard let larger = columns[c].largerIsBetter, c < RunTable.metricColumns.count else { return nil }
            let values = rows.compactMap { $0.keys[c] }
            return larger ? values.max() : values.min()
        }
    }

    /// Whether row `r`'s value in column `c` is the column's best (and not every run's).
    public func isBest(_ r: Row, _ c: Int, best: [Double?]) -> Bool {
        guard let b = best[c], let v = r.keys[c], v == b else { return false }
        return rows.contains { $0.keys[c] != nil && $0.keys[c] != b }
    }

    /// The table as text, columns aligned (numbers right, names left): the no-terminal summary of a sweep.
    public var text: String {
        let all = [columns.map(\.title)] + rows.map(\.cells)
        let widths = columns.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { c in c == 0 || columns[c].largerIsBetter == nil ? row[c].padding(toLength: widths[c], withPad: " ", startingAt: 0)
                                                                             : String(repeating: " ", count: widths[c] - row[c].count) + row[c] }
                .joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n") + "\n" + Self.legend
    }
}
