import ArgumentParser
import CursesBackend
import Foundation
import Monitor
import Runs
import TensorBoard

/// `vaetop watch RUN|DIR`: the screen for a run another process is writing.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a run written by another process (a vaetop run directory or a folder of TensorBoard event files).",
        discussion: "For vaetop runs (e.g. from clients/python/vaetop.py) the keyboard sends commands through RUN/commands.jsonl; the trainer acknowledges them in the run file.")

    @Argument(help: "Run directory, or a folder with events.out.tfevents.* files.") var path: String
    @Option(help: "Tag mapping file for TensorBoard logs (lines 'tag = field').") var mapping: String?
    @OptionGroup var screen: ScreenOptions

    func run() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw fail("\(path): no such run or folder", code: 65) }
        let isTensorBoard = !EventFile.files(in: path).isEmpty || EventFile.isEventFile(path)
        let source: EventSource
        if isTensorBoard && !FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(RunFileReader.fileName)) {
            var tags = TagMapping()
            if let mapping {
                do { tags = try TagMapping.parse(try String(contentsOfFile: mapping, encoding: .utf8)) }
                catch { throw fail("--mapping: \(mapping): \(error)") }
            }
            source = TensorBoardFollowSource(directory: path, mapping: tags)
        } else {
            source = RunFollowSource(directory: path)
        }
        let backend: CursesTerminal
        do { backend = try CursesTerminal(ascii: screen.ascii) } catch { throw fail("watch needs a terminal (\(error))", code: 1) }
        installStopSignalHandlers()
        _ = runScreen(backend: backend, source: source, mode: .follow, options: screen,
                      runName: (path as NSString).lastPathComponent, plan: nil)
        if let code = signalExitCode() { throw ExitCode(code) }
    }
}
