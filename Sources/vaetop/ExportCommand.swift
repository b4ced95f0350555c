import ArgumentParser
import Foundation
import Runs
import TensorBoard
import TerminalUI

/// `vaetop export RUN --tensorboard DIR | --csv FILE`.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a run as TensorBoard event files or as CSV.")

    @Argument(help: "Run directory or run.jsonl file.") var path: String
    @Option(help: "Folder to write an events.out.tfevents.* file into.") var tensorboard: String?
    @Option(help: "CSV file to write (- for standard output).") var csv: String?

    func run() throws {
        guard tensorboard != nil || csv != nil else { throw fail("export: give --tensorboard DIR and/or --csv FILE") }
        let contents: RunFileContents
        do { contents = try RunFileReader.read(SampleRuns.resolve(path)) } catch { throw fail("\(error)", code: 65) }
        for s in contents.skipped { FileHandle.standardError.write(Data("vaetop: skipped line \(s.line): \(s.reason)\n".terminalSafe(keepNewlines: true).utf8)) }
        if let dir = tensorboard {
            let events = RunExport.events(contents)
            let start = ISO8601DateFormatter().date(from: contents.header.created)?.timeIntervalSince1970 ?? Date().timeIntervalSince1970
            do {
                let file = try EventFile.write(events, to: dir, wallTime: start)
                print("wrote \(events.count) events to \(file)")
            } catch { throw fail("--tensorboard: cannot write into '\(dir)': \(error.localizedDescription)", code: 74) }
        }
        if let csv {
            let table = RunCSV.table(contents)
            let rows = table.split(separator: "\n").count - 1
            let destination: FileOutput.Destination
            do { destination = try FileOutput.write(Data(table.utf8), to: csv) }
            catch { throw fail("--csv: \(error)", code: error.isRefusal ? 64 : 74) }
            switch destination {
            case .standardOutput: break
            case .file(let p): print("wrote \(rows) rows to \(p)")
            case .linkTarget(let link, let target): print("wrote \(rows) rows to \(target) (the target of the symlink \(link))")
            case .stream(let p): print("wrote \(rows) rows into \(p) (not a regular file: streamed, nothing replaced)")
            }
        }
    }
}
