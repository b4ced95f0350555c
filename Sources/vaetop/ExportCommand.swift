import ArgumentParser
import Foundation
import Runs
import TensorBoard
import TerminalUI

/// `vaetop export RUN --tensorboard DIR | --csv FILE`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a run as TensorBoard event files or as CSV.")

    @Argument(help: "Run directory, run.jsonl file, sample run name, or a folder of TensorBoard event files.", completion: .directory) var path: String
    @Option(help: "Tag mapping file for TensorBoard logs (lines 'tag = field', patterns with {i} and *).", completion: .file()) var mapping: String?
    @Option(help: "Folder to write an events.out.tfevents.* file into.", completion: .directory) var tensorboard: String?
    @Option(help: "CSV file to write (- for standard output).", completion: .file(extensions: ["csv"])) var csv: String?

    func run() throws {
        guard tensorboard != nil || csv != nil else { throw fail("export: give --tensorboard DIR and/or --csv FILE") }
        guard !path.isEmpty else { throw fail(Replay.emptyPath("export")) }
        // Every source `replay` reads: a vaetop run, a sample run, or TensorBoard event files.
        if let runs = RunFolder.runs(in: SampleRuns.resolve(path)) {
            let names = runs.map { ($0 as NSString).lastPathComponent }
            throw fail("export: \(path) holds \(runs.count) runs (a sweep): export one of them (\(names.prefix(4).joined(separator: ", "))\(runs.count > 4 ? ", …" : ""))")
        }
        let contents: RunFileContents
        do { contents = try Replay.load(SampleRuns.resolve(path), mapping: mapping) } catch let r as LoadRefusal { throw fail(r.message, code: r.code) }
        for s in contents.skipped { FileHandle.standardError.write(Data("vaetop: \(s.description)\n".terminalSafe(keepNewlines: true).utf8)) }
        if let dir = tensorboard {
            let start = ISO8601DateFormatter().date(from: contents.header.created)?.timeIntervalSince1970 ?? Date().timeIntervalSince1970
            // One TensorBoard run per branch: branch 0 in the folder, branch k in branch-k/.
            let (runs, left) = RunExport.branchRuns(contents)
            if left > 0 {
                FileHandle.standardError.write(Data("vaetop: --tensorboard: \(runs.count + left) branches; writing branch 0 and the newest \(runs.count - 1) (at most \(RunExport.maxBranchRuns) TensorBoard runs); the CSV export keeps every branch\n".utf8))
            }
            for run in runs {
                let target = run.folder.isEmpty ? dir : (dir as NSString).appendingPathComponent(run.folder)
                if let problem = EventFile.exportProblem(target) { throw fail("--tensorboard: \(problem)") }
            }
            for run in runs {
                let target = run.folder.isEmpty ? dir : (dir as NSString).appendingPathComponent(run.folder)
                do {
                    let (file, replaced) = try EventFile.write(run.events, to: target, wallTime: start)
                    print("wrote \(run.events.count) events to \(file)" + (contents.hasBranches ? " (branch \(run.branch))" : "")
                          + (replaced.isEmpty ? "" : "; replaced the earlier export \(replaced.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "))"))
                } catch { throw fail("--tensorboard: cannot write into '\(target)': \(error.reason)", code: 74) }
            }
        }
        if let csv {
            let table = RunCSV.table(contents)
            let rows = table.split(separator: "\n").count - 1
            let destination: FileOutput.Destination
            do { destination = try FileOutput.write(Data(table.utf8), to: csv) }
            catch { throw fail("--csv: \(error)", code: error.isRefusal ? 64 : 74) }
            if contents.hasBranches {
                FileHandle.standardError.write(Data("vaetop: the run has rewinds: the first column, branch, is the branch each row was written on\n".utf8))
            }
            switch destination {
            case .standardOutput: break
            case .file(let p): print("wrote \(rows) rows to \(p)")
            case .linkTarget(let link, let target): print("wrote \(rows) rows to \(target) (the target of the symlink \(link))")
            case .stream(let p): print("wrote \(rows) rows into \(p) (not a regular file: streamed, nothing replaced)")
            }
        }
    }
}
