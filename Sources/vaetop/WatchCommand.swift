import ArgumentParser
import CursesBackend
import EventSources
import Foundation
import Monitor
import Runs
import TensorBoard

/// `vaetop watch RUN|DIR`: the screen for a run another process is writing.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a run written by another process (a vaetop run directory or a folder of TensorBoard event files).",
        discussion: "For runs written by the Python client (pip install ./clients/python) the keyboard sends commands through RUN/commands.jsonl; the trainer answers each with an outcome record in the run file. Several runs are compared on the same charts as they grow; the keyboard steers the first.")

    @Argument(help: "Run directories, or folders with events.out.tfevents.* files (the first is steered).", completion: .directory) var paths: [String]
    @Option(help: "Tag mapping file for TensorBoard logs (lines 'tag = field', patterns with {i} and *).", completion: .file()) var mapping: String?
    @OptionGroup var screen: ScreenOptions

    func run() throws {
        guard !paths.isEmpty else { throw fail("watch: give a run directory or a folder of TensorBoard event files") }
        if paths.contains("") { throw fail(Replay.emptyPath("watch")) }
        // Said before any wait: a watch that cannot draw would otherwise wait for a run it can never show.
        guard isatty(STDOUT_FILENO) == 1 else { throw fail(Self.noTerminal("standard output is not a terminal"), code: 64) }
        installStopSignalHandlers()
        // A folder that does not hold a run yet (PyTorch takes seconds to start) is waited for; a sweep folder
        // (several runs inside) is watched as a comparison of its runs.
        for path in paths { try waitForRun(path) }
        let paths = self.paths.count == 1 ? (RunFolder.runs(in: self.paths[0]) ?? self.paths) : self.paths
        guard paths.count <= Replay.maxCompared else { throw fail("watch: \(paths.count) runs; one screen compares at most \(Replay.maxCompared)") }
        let sources = try paths.map(followSource)
        let backend: CursesTerminal
        do { backend = try CursesTerminal(ascii: screen.ascii) } catch { throw fail(Self.noTerminal("\(error)"), code: 64) }
        let names = paths.map { ($0 as NSString).lastPathComponent }
        let source: EventSource = sources.count == 1 ? sources[0] : ComparingSource(main: sources[0], others: Array(sources.dropFirst()), names: Array(names.dropFirst()))
        // vaetop's own trainer plans its schedules from its header; another process's trainer sends `plan` records.
        let header = RunFileReader.header(paths[0])
        let plan = header.flatMap { $0.capabilities == [] ? schedulePreview($0) : nil }
        _ = runScreen(backend: backend, source: source, mode: .follow, options: screen, runName: names[0], plan: plan,
                      compared: names.dropFirst().map { ComparedRun(name: $0, events: []) })
        if let code = signalExitCode() { throw ExitCode(code) }
    }

    /// Why watch stopped without a screen, and what reads a run without one.
    static func noTerminal(_ why: String) -> String {
        "watch draws on a terminal and \(why); without one, vaetop replay PATH describes a run and vaetop export PATH --csv - prints its numbers"
    }

    /// Returns once `path` holds a run (a run file, event files, or runs in sub-folders), saying once on stderr that
    /// it waits; Ctrl-C or SIGTERM stop the wait (exit 130 / 143).
    func waitForRun(_ path: String) throws {
        var said = false, isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue { return }   // a run.jsonl or event file
        while !(RunFolder.isRun(path) || RunFolder.hasRunSubfolders(path)) {
            if let code = signalExitCode() { throw ExitCode(code) }
            if !said {
                FileHandle.standardError.write(Data("vaetop: waiting for \(path) to hold a run (run.jsonl or TensorBoard event files); Ctrl-C stops\n".utf8))
                said = true
            }
            usleep(200_000)
        }
        // Said once the wait is over, so the terminal does not still say "waiting" after the screen closes.
        if said { FileHandle.standardError.write(Data("vaetop: \(path) holds a run now\n".utf8)) }
    }

    /// The follower of one run: its run file, or its TensorBoard event files.
    func followSource(_ path: String) throws -> EventSource {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw fail("\(path): no such run or folder", code: 65) }
        let isTensorBoard = !EventFile.files(in: path).isEmpty || EventFile.isEventFile(path)
        if isTensorBoard && !FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(RunFileReader.fileName)) {
            return TensorBoardFollowSource(directory: path, mapping: try Replay.mappingFile(mapping))
        }
        return RunFollowSource(directory: path)
    }
}
