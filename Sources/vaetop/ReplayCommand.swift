import ArgumentParser
import CursesBackend
import EventSources
import FileAccess
import Foundation
import Monitor
import ResourceLocator
import RunControl
import Runs
import TensorBoard
import TerminalUI
import Training

/// `vaetop replay [RUN]`: play a saved run on the screen.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a saved run on the screen (no argument: list sample runs).",
        discussion: "Several runs (or a folder holding several) are compared: the first plays, the others are drawn in colours of their own on the same charts, aligned by step.")

    @Argument(help: "Run directories, run.jsonl files, folders of TensorBoard event files, or a folder holding several runs.",
              completion: .directory) var paths: [String] = []
    @Option(help: "Tag mapping file for TensorBoard logs (lines 'tag = field', patterns with {i} and *).", completion: .file()) var mapping: String?
    @OptionGroup var screen: ScreenOptions

    /// The error for an empty path argument ('' once opened the sample runs).
    static func emptyPath(_ command: String) -> String {
        "\(command): an empty path; give a run directory, a run.jsonl file or a folder of TensorBoard event files"
            + (command == "replay" ? " (no argument lists the sample runs)" : "")
    }

    /// The most runs one screen compares (a sweep; the charts draw `AppState.maxDrawn` of them at once).
    static let maxCompared = 64

    func run() throws {
        guard !paths.isEmpty else {
            print(SampleRuns.listing())
            return
        }
        if paths.contains("") { throw fail(Self.emptyPath("replay")) }
        let resolved = paths.map(SampleRuns.resolve)
        let found = resolved.count == 1 ? (RunFolder.runs(in: resolved[0]) ?? resolved) : resolved
        guard found.count <= Self.maxCompared else {
            throw fail("replay: \(found.count) runs; one screen compares at most \(Self.maxCompared)")
        }
        // A run that cannot be read is left out of a comparison with a line saying why; alone, it is the error.
        var all: [RunFileContents] = [], runPaths: [String] = [], left: [LoadRefusal] = []
        for path in found {
            do { all.append(try Self.load(path, mapping: mapping)); runPaths.append(path) } catch let r as LoadRefusal {
                if found.count == 1 { throw fail(r.message, code: r.code) }
                left.append(r)
            }
        }
        guard !all.isEmpty else { throw fail("replay: none of the \(found.count) runs could be read; \(left[0].message)", code: 65) }
        for r in left {
            FileHandle.standardError.write(Data("vaetop: left out of the comparison: \(r.message)\n".terminalSafe(keepNewlines: true).utf8))
            all[0].events.insert(.alert(Alert(step: 0, level: .warning, message: "left out of the comparison: \(r.message)")), at: 0)
        }
        let backend: CursesTerminal
        do { backend = try CursesTerminal(ascii: screen.ascii) } catch {
            // No screen: say why on stderr (a pipe keeps stdout clean), and what the runs hold instead.
            FileHandle.standardError.write(Data("vaetop: \(error): no screen, describing the run\(all.count > 1 ? "s" : "") instead\n".utf8))
            let text: String
            if all.count > AppState.maxDrawn {
                // A sweep: the screen's run table, one row per run, best test loss first, with the settings that differ.
                let runs = zip(all, runPaths).enumerated().map { i, p in
                    (slot: i, name: RunComparison.name(p.1, p.0.header), run: ComparedRun(name: "", events: ReplaySource.events(p.0)).run)
                }
                text = RunTable(runs: runs, upTo: .infinity, sort: RunTable.Sort()).text
            } else {
                text = all.count > 1 ? RunComparison.text(all, names: runPaths) : RunDescription.text(all[0])
            }
            print(text.terminalSafe(keepNewlines: true))
            return
        }
        installStopSignalHandlers()
        let compared = zip(all.dropFirst(), runPaths.dropFirst()).map { ComparedRun(name: RunComparison.name($1, $0.header), events: ReplaySource.events($0)) }
        let contents = all.removeFirst()
        all.removeAll()
        let header = contents.header, skipped = contents.skipped.count
        let name = compared.isEmpty ? header.name : RunComparison.name(runPaths[0], header)
        // The records move into the replay: a long run is held once, not twice.
        let source = ReplaySource(events: ReplaySource.events(consume contents), skippedLines: skipped)
        let final = runScreen(backend: backend, source: source, mode: .replay, options: screen, runName: name,
                              plan: schedulePreview(header), compared: compared, checkpointSteps: Self.checkpointSteps(runPaths[0]),
                              prepareFork: { _ in RunDirectory.prepareFork() })
        if let code = signalExitCode() { throw ExitCode(code) }
        if let step = final.forkAt, let folder = final.forkFolder { try forkOnScreen(runPaths[0], at: step, into: folder) }
    }

    /// Steps of the checkpoints in a run's folder (its checkpoint.bin, when readable).
    static func checkpointSteps(_ path: String) -> [Int] {
        let dir = path.hasSuffix(".jsonl") ? (path as NSString).deletingLastPathComponent : path
        guard let (snap, _) = try? Checkpoint.read((dir as NSString).appendingPathComponent(Checkpoint.fileName)) else { return [] }
        return [snap.stepsDone]
    }

    /// `f` then y on the replay: trains a new run in `dir` (runs/<timestamp>, checked by `RunDirectory.prepareFork`)
    /// from the run's checkpoint, on the screen.
    func forkOnScreen(_ path: String, at step: Int, into dir: String) throws {
        let source = URL(fileURLWithPath: path.hasSuffix(".jsonl") ? (path as NSString).deletingLastPathComponent : path).standardizedFileURL.path
        do { try RunDirectory.check(dir); try RunDirectory.create(dir) } catch { throw fail("fork: \(error.message)", code: error.exitCode) }
        let trainer: Trainer
        do { trainer = try Trainer(fork: source, at: step, into: dir) } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw fail("fork: \(error)", code: 65)
        }
        let backend: CursesTerminal
        do { backend = try CursesTerminal(ascii: screen.ascii) } catch { throw fail("fork: \(error)") }
        try trainOnScreen(trainer, backend: backend, resumed: false, options: screen)
    }

    /// A vaetop run, or TensorBoard event files (a folder holding events.out.tfevents.*, or one such file).
    /// A run's contents; a run that cannot be read throws `LoadRefusal` (a broken --mapping fails at once).
    static func load(_ path: String, mapping: String?) throws -> RunFileContents {
        let isRun = (try? RunFileReader.resolve(path)).map { FileManager.default.fileExists(atPath: $0) } ?? false
        let tbFiles = EventFile.isEventFile(path) ? [path] : EventFile.files(in: path)
        if !isRun || !tbFiles.isEmpty && !FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(RunFileReader.fileName)) {
            if !tbFiles.isEmpty {
                let tags = try mappingFile(mapping)
                guard var r = RunImport.read(path, mapping: tags) else { throw LoadRefusal(message: "\(path): no TensorBoard events") }
                if r.contents.events.isEmpty, let (file, problem) = r.problems.first {
                    throw LoadRefusal(message: "\(path): no TensorBoard event could be read (\((file as NSString).lastPathComponent) \(problem))")
                }
                r.contents.events.insert(contentsOf: ignoredNotes(r.ignoredTags, unread: r.unread).map { .alert($0) }, at: 0)
                return r.contents
            }
        }
        var contents: RunFileContents
        do { contents = try RunFileReader.read(path) } catch { throw LoadRefusal(message: "\(error)") }
        if !tbFiles.isEmpty {
            // Both formats in one folder: say which was read (an export into the run's own folder, typically).
            contents.events.insert(.alert(Alert(step: 0, level: .info, message: "this folder also holds TensorBoard event files; "
                + "read \(RunFileReader.fileName) (give an event file's path to read that instead)")), at: 0)
        }
        return contents
    }

    /// A tag mapping file's mapping (none: the convention); a missing or broken file is a one-line error.
    static func mappingFile(_ path: String?) throws -> TagMapping {
        guard let path else { return TagMapping() }
        let data: Data
        do { data = try RegularFile.contents(path, limit: TagMapping.maxBytes) } catch { throw fail("--mapping: \(error)") }
        guard let text = String(data: data, encoding: .utf8) else { throw fail("--mapping: \(path): not UTF-8 text") }
        do { return try TagMapping.parse(text) } catch { throw fail("--mapping: \(path): \(error)") }
    }

    /// The event log's note on tags no panel shows (the headless summary prints it too): a line naming the first
    /// few, then, when there are more, one line per tag, a list to scroll or filter (`/not shown`).
    static func ignoredNotes(_ tags: Set<String>, unread: Set<String> = []) -> [Alert] {
        func list(_ s: Set<String>) -> String { s.sorted().prefix(8).joined(separator: ", ") + (s.count > 8 ? ", …" : "") }
        var parts: [String] = []
        if !tags.isEmpty { parts.append("\(tags.count) tag\(tags.count == 1 ? "" : "s") not shown (no panel maps them): \(list(tags)); --mapping FILE maps them") }
        if !unread.isEmpty { parts.append("\(unread.count) summar\(unread.count == 1 ? "y" : "ies") not shown: \(list(unread))") }
        guard !parts.isEmpty else { return [] }
        let all = tags.sorted() + unread.sorted()
        guard all.count > 8 else { return [Alert(step: 0, level: .info, message: parts.joined(separator: "; "))] }
        return [Alert(step: 0, level: .info, message: parts.joined(separator: "; ") + " (all \(all.count) below)")]
            + all.map { Alert(step: 0, level: .info, message: "not shown: \($0)") }
    }
}

/// A plain-text account of a run, for replays without a terminal.
enum RunDescription {
    static func text(_ c: RunFileContents) -> String {
        let h = c.header
        var lines = [h.logged == nil ? "run \(h.name) (\(h.created)): \(h.parameters) parameters, \(h.trainImages) training images, latent \(h.config.latent)"
                                     : "run \(h.name) (\(h.created)): another program's log, " + (h.logs("klDims") ? "KL of \(h.config.latent) latent dimension\(h.config.latent == 1 ? "" : "s")" : "no KL per latent dimension")]
        if let hp = h.hparams, !hp.isEmpty { lines.append("hparams: " + hp.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) }
        let steps = c.events.filter { if case .step = $0 { true } else { false } }.count
        lines.append("\(steps) step records, \(c.events.count) records in all")
        if let p = h.parent { lines.append("forked from \(p.run) at step \(p.step)") }
        for e in c.events {
            switch e {
            case .eval(let m):
                let au = h.logs("eval.activeUnits") ? "active units \(m.activeUnits)/\(m.klDims.count)" : "active units not logged"
                lines.append("step \(m.step): test loss \(String(format: "%.2f", m.loss)), \(au)")
            case .change(let ch): lines.append("step \(ch.step): \(ch.parameter.label) \(ch.old.map { "\($0)" } ?? "off") → \(ch.new.map { "\($0)" } ?? "schedule") (\(ch.source))")
            case .alert(let a): lines.append("step \(a.step): [\(a.level.rawValue)] \(a.message)")
            case .end(let s): lines.append("end at step \(s.step): \(s.reason)")
            case .outcome(let o): lines.append("step \(o.step): \(RunView.outcomeText(o))")
            case .images(let i) where i.logged != nil:
                lines.append("step \(i.step): " + (i.logged ?? []).map { "image \($0.tag) (\($0.cols)×\($0.rows), grey)" }.joined(separator: ", "))
            case .rewind(let r): lines.append("step \(r.step): \(r.reason.rawValue) to step \(r.to), branch \(r.branch) (\(r.detail))")
            default: break
            }
        }
        // A vaetop-format run ends with an end record (another program's TensorBoard log never has one).
        if h.logged == nil, !c.events.contains(where: { if case .end = $0 { true } else { false } }) {
            let last = c.events.last(where: { if case .step = $0 { true } else { false } })?.step ?? 0
            switch (h.writer, h.writer?.isGone) {
            case (let w?, true?): lines.append("no end record: the run ended without one at step \(last) (its process \(w.pid) is gone)")
            case (let w?, false?): lines.append("no end record yet: process \(w.pid) on this host is still writing it (step \(last))")
            default: lines.append("no end record (step \(last)): the writer is still running elsewhere, or stopped without writing one")
            }
        }
        for s in c.skipped { lines.append(s.description) }
        if c.tornTail { lines.append("the last line was torn (the writer stopped mid-record); ignored") }
        return lines.joined(separator: "\n")
    }
}

/// The runs shipped in `sample-runs/`.
enum SampleRuns {
    /// The first `sample-runs` folder that exists (`ResourceFolders`: here, beside the executable, its project).
    static var folder: String? { ResourceFolders.find("sample-runs") }

    /// A path as given, or the name of a sample run.
    static func resolve(_ path: String) -> String {
        if FileManager.default.fileExists(atPath: path) { return path }
        if let f = folder, FileManager.default.fileExists(atPath: f + "/" + path) { return f + "/" + path }
        return path
    }

    static func listing() -> String {
        guard let f = folder else { return "no sample-runs folder found; give a run directory: vaetop replay RUN" }
        let readme = (try? RegularFile.contents(f + "/README.md", limit: 1 << 20)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: f)) ?? [])
            .filter { FileManager.default.fileExists(atPath: f + "/" + $0 + "/run.jsonl") }.sorted()
        var out = ["sample runs in \(f) (vaetop replay NAME):"]
        for n in names {
            let note = readme.split(separator: "\n").first { $0.contains("`\(n)`") }
                .map { String($0).replacingOccurrences(of: "- `\(n)`", with: "").trimmingCharacters(in: CharacterSet(charactersIn: " :—-")) } ?? ""
            out.append("  \(n.padding(toLength: 22, withPad: " ", startingAt: 0)) \(note)")
        }
        return out.joined(separator: "\n")
    }
}
