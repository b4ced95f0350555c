import Foundation
import Monitor
import Runs
import TensorBoard
import TerminalUI

/// A folder holding several runs (a sweep): vaetop run directories or TensorBoard sub-folders.
enum RunFolder {
    /// The runs directly inside `path`, sorted by name; nil when `path` is itself a run (or holds fewer than two).
    static func runs(in path: String) -> [String]? {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue,
              !fm.fileExists(atPath: (path as NSString).appendingPathComponent(RunFileReader.fileName)),
              EventFile.files(in: path).isEmpty || hasRunSubfolders(path) else { return nil }
        // Event files beside run sub-folders (e.g. an export with branches): the folder itself is a run too.
        let found = (isRun(path) ? [path] : []) + ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
            .map { (path as NSString).appendingPathComponent($0) }.filter { isRun($0) }
        return found.count >= 2 ? found : nil
    }

    /// Whether a folder is one run: a run file, or TensorBoard event files directly in it.
    static func isRun(_ dir: String) -> Bool {
        FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(RunFileReader.fileName))
            || !EventFile.files(in: dir).isEmpty && EventFile.subfolder(dir) == nil
    }

    static func hasRunSubfolders(_ path: String) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).contains { isRun((path as NSString).appendingPathComponent($0)) }
    }
}

/// Several runs side by side, for scripts (`vaetop replay A B` without a terminal).
enum RunComparison {
    /// A run's short name: its folder's name (the header's name when the path says nothing).
    static func name(_ path: String, _ header: RunHeader) -> String {
        let last = ((path as NSString).standardizingPath as NSString).lastPathComponent
        return last.isEmpty || last == RunFileReader.fileName ? header.name : last
    }

    /// One column per run: steps, final and best test loss, active units, collapsed dimensions, MI, changes, rewinds,
    /// guard firings, end, then the settings whose values differ between the runs.
    static func text(_ runs: [RunFileContents], names: [String]) -> String {
        var rows: [[String]] = [["run"] + zip(runs, names).map { name($1, $0.header) }]
        func add(_ label: String, _ value: (RunFileContents) -> String) { rows.append([label] + runs.map(value)) }
        func evals(_ c: RunFileContents) -> [EvalMetrics] { c.timeline.compactMap { if case .eval(let m) = $0 { m } else { nil } } }
        func loss(_ v: Float) -> String { RunTable.lossText(Double(v)) }
        add("steps") { c in "\(c.timeline.last { if case .step = $0 { true } else { false } }?.step ?? 0)" }
        add("final test loss") { c in evals(c).last.map { loss($0.loss) } ?? "–" }
        add("best test loss") { c in evals(c).map(\.loss).min().map(loss) ?? "–" }
        // Another program's log may not record active units: "–", not 0/0.
        add("active units") { c in evals(c).last.flatMap { c.header.logs("eval.activeUnits") ? "\($0.activeUnits)/\($0.klDims.count)" : nil } ?? "–" }
        add("collapsed dims") { c in evals(c).last.flatMap { c.header.logs("eval.klDims") ? "\($0.collapsed.count)" : nil } ?? "–" }
        add("MI (nats)") { c in evals(c).last?.mutualInformation.map { String(format: "%.3g", $0) } ?? "–" }
        if runs.contains(where: { evals($0).last?.iwae != nil }) {
            add("IWAE -log p(x) <=") { c in
                evals(c).last.flatMap { e in e.iwae.map { String(format: "%.2f (k %d, %d images)", $0, e.iwaeK ?? 0, e.iwaeImages ?? 0) } } ?? "–"
            }
        }
        add("changes") { c in "\(c.timeline.filter { if case .change(let ch) = $0 { ch.source != "undo" && ch.source != "rewind" } else { false } }.count)" }
        add("rewinds") { c in "\(c.events.filter { if case .rewind = $0 { true } else { false } }.count)" }
        // The guards' repairs (docs/guards.md), by trigger: each firing's alert carries its number.
        add("guard firings") { c in
            var count: [String: Int] = [:]
            for case .alert(let a) in c.events { if let t = a.guardTrigger, let n = a.guardFiring { count[t] = max(count[t] ?? 0, n) } }
            return count.isEmpty ? "0" : GuardRule.Trigger.allCases.compactMap { t in count[t.rawValue].map { "\(t.rawValue) \($0)" } }.joined(separator: ", ")
        }
        add("end") { c in c.timeline.last.flatMap { if case .end(let e) = $0 { e.reason.rawValue } else { nil } } ?? "–" }
        // Only what differs: each setting whose value is not the same in every run, by its flag.
        for setting in RunConfig.settings {
            let values = runs.map { setting.text($0.header.config) }
            if Set(values).count > 1 { rows.append([setting.shownName] + values) }
        }
        // Runs on different OpenBLAS kernels differ in the last digits even with the same flags (docs/run-format.md).
        let kernels = runs.map { $0.header.blasKernel ?? "–" }
        if Set(kernels).count > 1 { rows.append(["BLAS kernel"] + kernels) }
        let widths = (0..<rows[0].count).map { col in rows.map { $0[col].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).enumerated().map { i, p in i == 0 ? p.0.padding(toLength: p.1, withPad: " ", startingAt: 0) : p.0.leftPadded(p.1) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
