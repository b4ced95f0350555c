import Foundation
import Runs
import TestSupport
import Testing

@Suite struct RunFileFollowerTests {
    func append(_ path: String, _ text: String) {
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile(); h.write(Data(text.utf8)); h.closeFile()
    }

    @Test func followsAppendsWaitsForWholeLinesAndNoticesReplacement() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let path = dir.file("run.jsonl")
        let f = RunFileFollower(path: dir.path)
        guard case .none = f.poll() else { Issue.record("a missing file should give nothing"); return }
        _ = FileManager.default.createFile(atPath: path, contents: Data((RunFileCodec.encode(.header(sampleHeader())) + "\n" + RunFileCodec.encode(sampleStep(1)) + "\n").utf8))
        guard case .appended(let first) = f.poll() else { Issue.record("nothing read"); return }
        #expect(first.count == 2)
        guard case .none = f.poll() else { Issue.record("no change should give nothing"); return }
        let line = RunFileCodec.encode(sampleStep(2))
        append(path, String(line.prefix(20)))
        guard case .none = f.poll() else { Issue.record("half a line was delivered"); return }
        append(path, String(line.dropFirst(20)) + "\n")
        guard case .appended(let second) = f.poll() else { Issue.record("completed line not delivered"); return }
        #expect(second == [sampleStep(2)])
        // Replaced by a shorter file (a new run in the same place): everything again.
        try FileManager.default.removeItem(atPath: path)
        _ = FileManager.default.createFile(atPath: path, contents: Data((RunFileCodec.encode(.header(sampleHeader())) + "\n").utf8))
        guard case .reset(let c) = f.poll() else { Issue.record("replacement not noticed"); return }
        #expect(c.events.isEmpty)
    }
}

/// A run folder on a synced file system, as `vaetop watch` sees it on the laptop while the GPU box trains.
@Suite struct SyncedFolderTests {
    /// rsync without `--inplace` writes a temporary copy and renames it over the file: each sync is a new file
    /// (a new inode) holding everything so far, which the follower reads again whole, losing nothing.
    @Test func aCopyRenamedOverTheRunFileIsReadAgainWhole() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let path = dir.file("run.jsonl")
        func sync(_ steps: ClosedRange<Int>) throws {
            let text = ([RunFileCodec.encode(.header(sampleHeader()))] + steps.map { RunFileCodec.encode(sampleStep($0)) }).joined(separator: "\n") + "\n"
            _ = FileManager.default.createFile(atPath: dir.file(".run.jsonl.tmp"), contents: Data(text.utf8))
            #expect(rename(dir.file(".run.jsonl.tmp"), path) == 0)
        }
        let f = RunFileFollower(path: dir.path)
        try sync(1...3)
        guard case .appended(let first) = f.poll() else { Issue.record("first sync not read"); return }
        #expect(first.count == 4)
        try sync(1...7)
        guard case .reset(let all) = f.poll() else { Issue.record("the renamed copy was not read again"); return }
        #expect(all.events.compactMap { if case .step(let m) = $0 { m.step } else { nil } } == Array(1...7) && all.skipped.isEmpty)
        guard case .none = f.poll() else { Issue.record("an unchanged copy was read again"); return }
    }
}

@Suite(.serialized) struct PythonClientTests {
    static let client = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("clients/python/test_vaetop.py").path

    func python(_ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.client] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func clientUnitTestsPass() throws {
        #expect(try python([]) == 0)
    }

    @Test func runsWrittenByTheClientLoadCompletely() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        #expect(try python(["--write", dir.file("run")]) == 0)
        let c = try RunFileReader.read(dir.file("run"))
        #expect(c.skipped.isEmpty && !c.tornTail)
        #expect(c.header.config.latent == 4 && c.header.config.batchSize == 32 && c.header.config.optimizer == OptimizerConfig())
        #expect(c.header.layers == ["enc", "dec"])
        let steps = c.events.compactMap { if case .step(let m) = $0 { m } else { nil } }
        #expect(steps.count == 30 && steps[0].klDims.count == 4 && steps[0].layerGradNorms.count == 2)
        if case .end(let e)? = c.events.last { #expect(e.testLoss == 100) } else { Issue.record("no end record") }
    }

    @Test func commandsFromTheChannelReachTheClientAndComeBackAsChanges() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("run"), withIntermediateDirectories: true)
        let channel = CommandChannel(directory: dir.file("run"))
        try channel.send(.set(.lr, 0.002))
        try channel.send(.set(.freeBits, 0.25))
        #expect(try python(["--apply", dir.file("run")]) == 0)
        let c = try RunFileReader.read(dir.file("run"))
        let changes = c.events.compactMap { if case .change(let ch) = $0 { ch } else { nil } }
        #expect(changes.map(\.parameter) == [.lr, .freeBits])
        #expect(changes[0].old == 0.001 && changes[0].new == 0.002 && changes[0].source == "client" && changes[0].step == 1)
        // Each command line has exactly one answer, after its change: applied, from the next step.
        let outcomes = c.events.compactMap { if case .outcome(let o) = $0 { o } else { nil } }
        #expect(outcomes.map(\.id) == [1, 2] && outcomes.allSatisfy { $0.outcome == .applied && $0.from == 2 && $0.command == "set" })
        #expect(outcomes.map(\.parameter) == ["lr", "free_bits"])
        let steps = c.events.compactMap { if case .step(let m) = $0 { m } else { nil } }
        #expect(steps[1].lr == 0.002 && steps[1].freeBits == 0.25 && steps[1].klObjectiveDims != nil)
    }

    @Test func channelLinesAreJSON() throws {
        let line = CommandChannel.line(.set(.beta, 0.5), id: 7)
        let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        #expect(obj["command"] as? String == "set" && obj["parameter"] as? String == "beta" && obj["value"] as? Double == 0.5)
        #expect(CommandChannel.line(.pause, id: 1) == "{\"id\":1,\"command\":\"pause\"}")
    }
}

/// The command channel never writes through a symlink planted in a run folder, and says why.
@Suite struct CommandChannelSafetyTests {
    @Test func symlinkedCommandFileIsRefused() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        _ = FileManager.default.createFile(atPath: dir.file("victim"), contents: Data("keep\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.file(CommandChannel.fileName), withDestinationPath: dir.file("victim"))
        let channel = CommandChannel(directory: dir.path)
        #expect { try channel.send(.pause) } throws: { "\($0)".contains("symlink") }
        #expect(try String(contentsOfFile: dir.file("victim"), encoding: .utf8) == "keep\n")
    }

    @Test func exportsApplyTheResumeRule() throws {
        // Steps 1–5, a resume from the checkpoint at 3, then steps 4–6 again: readers keep 1–3 and the new 4–6.
        var events: [RunEvent] = (1...5).map { sampleStep($0) }
        events.append(.end(RunSummary(step: 5, epoch: 1, reason: .interrupted, testLoss: nil, activeUnits: nil, samplesPerSecond: 1, seconds: 1)))
        events.append(.state(StateChange(step: 3, state: .running, reason: "resumed")))
        events += (4...6).map { sampleStep($0) }
        let c = RunFileContents(header: sampleHeader(), events: events, skipped: [], tornTail: false)
        let steps = c.timeline.compactMap { if case .step(let m) = $0 { m.step } else { nil } }
        #expect(steps == [1, 2, 3, 4, 5, 6])
        #expect(!c.timeline.contains { if case .end = $0 { true } else { false } })
        let rows = RunCSV.table(c).split(separator: "\n").dropFirst().map { Int($0.split(separator: ",")[0])! }
        #expect(rows == [1, 2, 3, 4, 5, 6])
    }
}

/// What watch says about its run file: deleted, folder removed, truncated, not a regular file, a line that never
/// ends; each once, and what was read stays valid.
@Suite struct FollowerNoticeTests {
    func text(_ lines: [RunEvent]) -> String { lines.map { RunFileCodec.encode($0) + "\n" }.joined() }

    @Test func deletionTruncationAndOddFilesAreSaidOnce() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = dir.file("r"), path = run + "/run.jsonl"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try text([.header(sampleHeader()), sampleStep(1), sampleStep(2)]).write(toFile: path, atomically: false, encoding: .utf8)
        let f = RunFileFollower(path: run)
        guard case .appended(let first) = f.poll() else { Issue.record("nothing read"); return }
        #expect(first.count == 3)
        try FileManager.default.removeItem(atPath: path)
        guard case .notice(let deleted) = f.poll() else { Issue.record("deletion not said"); return }
        #expect(deleted.contains("was deleted") && deleted.contains("keeps what was read"))
        guard case .none = f.poll() else { Issue.record("said twice"); return }
        // Back, then truncated to a shorter run: read again, and the reason is given.
        try text([.header(sampleHeader()), sampleStep(1), sampleStep(2), sampleStep(3)]).write(toFile: path, atomically: false, encoding: .utf8)
        _ = f.poll(); _ = f.poll()
        let h = try #require(FileHandle(forWritingAtPath: path))
        try h.truncate(atOffset: UInt64(text([.header(sampleHeader()), sampleStep(1)]).utf8.count)); try h.close()
        guard case .reset(let c) = f.poll() else { Issue.record("truncation not read again"); return }
        #expect(c.events.count == 1 && f.resetReason?.contains("was truncated from") == true)
        // Truncated to nothing: said, the screen keeps its run.
        let e = try #require(FileHandle(forWritingAtPath: path)); try e.truncate(atOffset: 0); try e.close()
        guard case .notice(let empty) = f.poll() else { Issue.record("truncation to nothing not said"); return }
        #expect(empty.contains("was truncated") && empty.contains("waits for a run"))
        // Replaced by a FIFO, then the folder removed.
        try FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o644) == 0)
        guard case .notice(let fifo) = f.poll() else { Issue.record("FIFO not said"); return }
        #expect(fifo.contains("is a FIFO, not a regular file"))
        try FileManager.default.removeItem(atPath: run)
        guard case .notice(let gone) = f.poll() else { Issue.record("removed folder not said"); return }
        #expect(gone.contains("its folder was removed"))
    }

    /// A partial line that never ends (300 MB without a newline) is never held whole: memory stays bounded by the
    /// line limit, the line is said to be too long, and the records after it are read.
    @Test func anEndlessPartialLineIsBounded() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let path = dir.file("run.jsonl")
        try text([.header(sampleHeader()), sampleStep(1)]).write(toFile: path, atomically: false, encoding: .utf8)
        let f = RunFileFollower(path: dir.path)
        _ = f.poll()
        let h = try #require(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        let block = Data(repeating: 0x41, count: 4 << 20)
        for _ in 0..<10 { h.write(block) }   // 40 MiB and no newline yet
        var notices: [String] = []
        for _ in 0..<12 { if case .notice(let t) = f.poll() { notices.append(t) } }
        h.write(Data(("\n" + text([sampleStep(2)])).utf8)); try h.close()
        var after: [RunEvent] = []
        for _ in 0..<4 {
            switch f.poll() {
            case .appended(let e): after += e
            case .notice(let t): notices.append(t)
            default: break
            }
        }
        #expect(after == [sampleStep(2)], "\(after.count) records after the long line")
        #expect(notices.contains { $0.contains("line 3 is longer than 16 MiB") }, "\(notices)")
    }
}
