import Foundation
import Runs
import TensorBoard
import TestSupport
import Testing

/// Every reader against files that are not what they seem: a FIFO nobody writes, a character device that never
/// ends (/dev/zero through a symlink), a folder, a dangling symlink, a line of 20 MiB. Each command must answer at
/// once with one line naming the file, never block in open() or read without end, and never write anything it
/// cannot read back.
@Suite(.serialized) struct HostileFileTests {
    /// The kinds of hostile file, each made at `path` (replacing what was there).
    enum Kind: String, CaseIterable {
        case fifo, device, folder, dangling

        func make(at path: String) throws {
            try? FileManager.default.removeItem(atPath: path)
            switch self {
            case .fifo: #expect(mkfifo(path, 0o644) == 0)
            case .device: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
            case .folder: try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            case .dangling: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path + ".nowhere")
            }
        }

        /// What the one-line refusal says about the file.
        var said: [String] {
            switch self {
            case .fifo: ["FIFO"]
            case .device: ["character device", "is a symlink; not following it"]
            case .folder: ["folder", "directory"]
            case .dangling: ["no such", "missing", "no checkpoint"]
            }
        }
    }

    /// Runs a command that must be refused quickly with a short message about `kind`.
    func expectRefused(_ args: [String], _ kind: Kind, _ what: String, status expected: Set<Int32> = [64, 65, 66, 74, 75],
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try Binary.run(args, timeout: 20)
        let text = r.stderr + r.stdout
        #expect(r.seconds < 10, "\(what) as \(kind): \(r.seconds) s (blocked)", sourceLocation: sourceLocation)
        #expect(expected.contains(r.status), "\(what) as \(kind): status \(r.status): \(text.prefix(300))", sourceLocation: sourceLocation)
        #expect(text.utf8.count < 2_000, "\(what) as \(kind): \(text.utf8.count) bytes of output", sourceLocation: sourceLocation)
        #expect(kind.said.contains { text.lowercased().contains($0.lowercased()) }, "\(what) as \(kind): \(text.prefix(300))", sourceLocation: sourceLocation)
    }

    /// The run file as each kind, under every command that reads one (a fork reads only the checkpoint).
    @Test func runFileReaders() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try FaultTests.smallRun(dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: run + "/run.jsonl"))
        for kind in Kind.allCases {
            let hostile = dir.file("h-\(kind)")
            try FileManager.default.copyItem(atPath: run, toPath: hostile)
            try kind.make(at: hostile + "/run.jsonl")
            try expectRefused(["export", hostile, "--csv", dir.file("x.csv")], kind, "export --csv")
            try expectRefused(["export", hostile, "--tensorboard", dir.file("tb-\(kind)")], kind, "export --tensorboard")
            try expectRefused(["replay", hostile], kind, "replay (no terminal)")
            if kind != .dangling && kind != .folder {
                // A missing run file is started again from the checkpoint (see below); these are refused.
                try expectRefused(["train", "--headless", "--resume", hostile], kind, "train --resume")
            }
        }
        // The original is intact.
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/run.jsonl")) == original)
    }

    /// The other files vaetop reads: the checkpoint, the lock, a tag mapping, the data, TensorBoard events.
    @Test func otherReaders() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try FaultTests.smallRun(dir)
        let tb = dir.file("tb")
        #expect(try Binary.run(["export", run, "--tensorboard", tb]).status == 0)
        let events = try FileManager.default.contentsOfDirectory(atPath: tb).first { $0.hasPrefix("events.out.tfevents") } ?? "events.out.tfevents.1.x"
        for kind in Kind.allCases {
            let r = dir.file("ck-\(kind)")
            try FileManager.default.copyItem(atPath: run, toPath: r)
            try kind.make(at: r + "/checkpoint.bin")
            try expectRefused(["train", "--headless", "--resume", r], kind, "checkpoint (resume)")
            try expectRefused(["train", "--headless", "--fork", r, "--at", "36", "--out", dir.file("f-\(kind)")], kind, "checkpoint (fork)")
            if kind != .dangling {
                let l = dir.file("lock-\(kind)")
                try FileManager.default.copyItem(atPath: run, toPath: l)
                try kind.make(at: l + "/.vaetop-lock")
                try expectRefused(["train", "--headless", "--resume", l], kind, "the lock (resume)")
            }
            try kind.make(at: dir.file("map-\(kind)"))
            try expectRefused(["export", tb, "--mapping", dir.file("map-\(kind)"), "--csv", dir.file("m.csv")], kind, "--mapping")
            let data = dir.file("data-\(kind)")
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
                try kind.make(at: data + "/" + name)
            }
            if kind != .dangling && kind != .folder {
                try expectRefused(["train", "--headless", "--data", data, "--out", dir.file("d-\(kind)")], kind, "--data")
            }
            let t = dir.file("tb-\(kind)")
            try FileManager.default.createDirectory(atPath: t, withIntermediateDirectories: true)
            try kind.make(at: t + "/" + events)
            if kind != .dangling && kind != .folder {
                try expectRefused(["export", t, "--csv", dir.file("t.csv")], kind, "TensorBoard events (export)")
                try expectRefused(["replay", t], kind, "TensorBoard events (replay)")
            }
        }
    }

    /// A 20 MiB line (an alert no vaetop writes) in the middle of a run file is skipped by its length, said once,
    /// and everything around it is read; a 20 MiB first line is not a run file.
    @Test func hugeLinesAreSkippedByLength() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try FaultTests.smallRun(dir)
        var lines = try String(contentsOfFile: run + "/run.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        let steps = lines.filter { $0.contains("\"kind\":\"step\"") }.count
        lines.insert("{\"kind\":\"alert\",\"step\":10,\"level\":\"warning\",\"message\":\"" + String(repeating: "A", count: 20 << 20) + "\"}", at: 12)
        try (lines.joined(separator: "\n") + "\n").write(toFile: run + "/run.jsonl", atomically: false, encoding: .utf8)
        let csv = try Binary.run(["export", run, "--csv", "-"], timeout: 30)
        #expect(csv.status == 0 && csv.seconds < 15, "status \(csv.status) after \(csv.seconds) s: \(csv.stderr)")
        #expect(csv.stdout.split(separator: "\n").count == steps + 1, "\(csv.stdout.split(separator: "\n").count) CSV lines")
        #expect(csv.stderr.contains("longer than 16 MiB") && csv.stdout.utf8.count < 1 << 20, "\(csv.stderr.prefix(300))")
        let replay = try Binary.run(["replay", run], timeout: 30)
        #expect(replay.status == 0 && replay.stdout.contains("\(steps) step records"), "\(replay.stdout.prefix(300))")
        let first = dir.file("first")
        try FileManager.default.createDirectory(atPath: first, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 20 << 20).write(to: URL(fileURLWithPath: first + "/run.jsonl"))
        let r = try Binary.run(["replay", first], timeout: 30)
        #expect(r.status == 65 && r.stderr.contains("first line is longer than 16 MiB"), "\(r.stderr.prefix(300))")
    }

    /// A resume onto a run file whose last line is torn (its writer died mid-record) ends that line first: the
    /// resume's first record was once glued to it and lost with it.
    @Test func resumeAfterATornLineKeepsItsFirstRecord() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try FaultTests.smallRun(dir)
        let text = try String(contentsOfFile: run + "/run.jsonl", encoding: .utf8)
        try String(text.dropLast(40)).write(toFile: run + "/run.jsonl", atomically: false, encoding: .utf8)
        let r = try Binary.run(["train", "--headless", "--resume", run], timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        let c = try RunFileReader.read(run)
        #expect(c.skipped.count == 1 && !c.tornTail, "\(c.skipped)")
        #expect(c.events.contains { if case .state(let s) = $0 { s.isResume } else { false } }, "the resume record was lost")
    }

    /// `train --resume` into a missing or empty run file starts a new one with a header from the checkpoint; into a
    /// garbage one it refuses and writes nothing. Either way the run reads back (it once got headerless lines).
    @Test func resumeNeverLeavesARunThatCannotBeRead() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try FaultTests.smallRun(dir)
        for (name, content) in [("missing", nil), ("empty", ""), ("garbage", "hello world\n")] as [(String, String?)] {
            let r = dir.file("r-\(name)")
            try FileManager.default.copyItem(atPath: run, toPath: r)
            try FileManager.default.removeItem(atPath: r + "/run.jsonl")
            if let content { try content.write(toFile: r + "/run.jsonl", atomically: false, encoding: .utf8) }
            let resumed = try Binary.run(["train", "--headless", "--resume", r], timeout: 60)
            if name == "garbage" {
                #expect(resumed.status == 65 && resumed.stderr.contains("nothing was written"), "\(resumed.stderr)")
                #expect(try String(contentsOfFile: r + "/run.jsonl", encoding: .utf8) == content)
            } else {
                #expect(resumed.status == 0 && resumed.stderr.contains("was \(name): a new run file starts at step"), "\(resumed.stderr)")
                let c = try RunFileReader.read(r)
                #expect(c.skipped.isEmpty && c.events.contains { if case .end = $0 { true } else { false } })
            }
        }
    }

    /// 20,000 rewinds: `export --tensorboard` writes at most `maxBranchRuns` runs and says how many it left out (it
    /// once made one folder per branch without end); the CSV keeps every branch and stays linear in time.
    @Test func manyRewindsAreBounded() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try FaultTests.smallRun(dir)
        var lines = try String(contentsOfFile: run + "/run.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        lines.removeAll { $0.contains("\"kind\":\"end\"") }
        let step = try #require(lines.first { $0.contains("\"kind\":\"step\"") && $0.contains("\"step\":6,") })
        for b in 1...20_000 {
            lines.append("{\"kind\":\"rewind\",\"step\":6,\"to\":5,\"branch\":\(b),\"reason\":\"undo\",\"detail\":\"undo lr\"}")
            lines.append(step)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: run + "/run.jsonl", atomically: false, encoding: .utf8)
        let tb = try Binary.run(["export", run, "--tensorboard", dir.file("tb")], timeout: 120)
        let folders = try FileManager.default.contentsOfDirectory(atPath: dir.file("tb")).filter { $0.hasPrefix("branch-") }
        #expect(tb.status == 0 && folders.count == 63 && folders.contains("branch-20000"), "\(folders.count) folders: \(tb.stderr.prefix(300))")
        #expect(tb.stderr.contains("20001 branches; writing branch 0 and the newest 63"), "\(tb.stderr.prefix(300))")
        let csv = try Binary.run(["export", run, "--csv", dir.file("x.csv")], timeout: 120)
        #expect(csv.status == 0 && csv.seconds < 60, "\(csv.seconds) s: \(csv.stderr.prefix(300))")
        #expect(try String(contentsOfFile: dir.file("x.csv"), encoding: .utf8).contains("\n20000,6,"))
    }

    /// Text from a run file (layer names, alerts, change sources, rewind details) never reaches a CSV or a terminal
    /// with a raw control character: `ESC]0;…BEL ESC[2J` once retitled the pane and cleared the screen.
    @Test func csvNeverCarriesControlCharacters() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try FaultTests.smallRun(dir)
        var text = try String(contentsOfFile: run + "/run.jsonl", encoding: .utf8)
        let evil = "\\u001b]0;pwned\\u0007\\u001b[2J\\u009b\\u202e back\\\\slash"
        text = text.replacingOccurrences(of: "\"enc1\"", with: "\"enc1\(evil)\"")
        text += "{\"kind\":\"alert\",\"step\":3,\"level\":\"warning\",\"message\":\"alert \(evil)\"}\n"
        text += "{\"kind\":\"rewind\",\"step\":8,\"to\":4,\"branch\":1,\"reason\":\"undo\",\"detail\":\"detail \(evil)\"}\n"
        text += try #require(text.split(separator: "\n").first { $0.contains("\"kind\":\"step\"") && $0.contains("\"step\":5,") }) + "\n"
        try text.write(toFile: run + "/run.jsonl", atomically: false, encoding: .utf8)
        for target in ["-", dir.file("x.csv")] {
            let r = try Binary.run(["export", run, "--csv", target])
            #expect(r.status == 0, "\(r.stderr)")
            let out = target == "-" ? r.stdout : try String(contentsOfFile: target, encoding: .utf8)
            let controls = out.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E }
            #expect(controls.isEmpty, "\(target): \(controls.map { String($0.value, radix: 16) })")
            // Kept, escaped: the layer's column, the alert and the rewind's detail all say what the file said.
            let escaped = "\\u001B]0;pwned\\u0007\\u001B[2J\\u009B\\u202E back\\\\slash"
            #expect(out.contains("enc1" + escaped) && out.contains("alert " + escaped) && out.contains("detail " + escaped), "\(out.prefix(400))")
        }
    }

    /// The silent corners of the command line: an empty path, one unreadable run among several, an export into a
    /// path through a file, each said in one line.
    @Test func silentCornersSayWhy() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try FaultTests.smallRun(dir)
        for args in [["replay", ""], ["watch", ""], ["export", "", "--csv", "-"]] {
            let r = try Binary.run(args, timeout: 20)
            #expect(r.status == 64 && r.stderr.contains("an empty path") && r.stdout.isEmpty, "\(args): \(r.status) \(r.stderr)")
        }
        // One unreadable run among several is left out, with a line; the others are compared.
        try FileManager.default.createDirectory(atPath: dir.file("broken"), withIntermediateDirectories: true)
        try "garbage\n".write(toFile: dir.file("broken/run.jsonl"), atomically: false, encoding: .utf8)
        let r = try Binary.run(["replay", run, dir.file("broken"), run], timeout: 30)
        #expect(r.status == 0 && r.stderr.contains("left out of the comparison: \(dir.file("broken"))/run.jsonl: not a vaetop run file"), "\(r.stderr)")
        let none = try Binary.run(["replay", dir.file("broken"), dir.file("nowhere")], timeout: 30)
        #expect(none.status == 65 && none.stderr.contains("none of the 2 runs could be read"), "\(none.stderr)")
        // TensorBoard export through a file names it (it said "NSCocoaErrorDomain error 512").
        try "x".write(toFile: dir.file("afile"), atomically: false, encoding: .utf8)
        let tb = try Binary.run(["export", run, "--tensorboard", dir.file("afile/tb")])
        #expect(tb.status == 74 && tb.stderr.contains("afile' is a regular file, not a folder") && !tb.stderr.contains("NSCocoaErrorDomain"), "\(tb.stderr)")
    }

    /// Another program's TensorBoard log: the summary says what it did not log (not "AU 0/0", no missing end
    /// record), the CSV leaves an epoch it never had empty, and watching it offers no steering.
    @Test func tensorBoardLogsClaimNothingTheyDidNotLog() throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TensorBoardTests/Fixtures").path
        let lightning = try Binary.run(["replay", fixtures + "/lightning-names"])
        #expect(lightning.stdout.contains("step 4: test loss 106.00, active units not logged") && !lightning.stdout.contains("0/0"), "\(lightning.stdout)")
        #expect(!lightning.stdout.contains("no end record"), "\(lightning.stdout)")
        let csv = try Binary.run(["export", fixtures + "/torch-simple", "--csv", "-"])
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows[0][1] == "epoch" && rows.dropFirst().allSatisfy { $0[1].isEmpty }, "\(csv.stdout.prefix(200))")
        let imported = try #require(RunImport.read(fixtures + "/torch-simple"))
        #expect(imported.contents.header.capabilities == [])
    }
}
