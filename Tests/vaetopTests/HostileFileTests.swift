import Foundation
import Runs
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
}
