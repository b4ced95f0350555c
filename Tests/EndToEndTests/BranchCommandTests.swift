import Foundation
import Runs
import TestSupport
import Testing

/// Forks, comparisons and exports of runs with branches, through the real executable.
@Suite(.serialized) struct BranchCommandTests {
    @Test func forkStartsFromTheCheckpointAndRecordsItsParent() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let tiny = ["--encoder", "32", "--latent", "4"]
        let a = try Binary.run(["train", "--headless", "--epochs", "1"] + tiny + ["--out", dir.file("a")])
        #expect(a.status == 0, "\(a.stderr)")
        // Before the checkpoint: refused, naming the step that exists.
        let early = try Binary.run(["train", "--headless", "--fork", dir.file("a"), "--at", "10", "--out", dir.file("b")])
        #expect(early.status == 65 && early.stderr.contains("holds step 36") && !FileManager.default.fileExists(atPath: dir.file("b")))
        // Model flags cannot change at a fork.
        let bad = try Binary.run(["train", "--headless", "--fork", dir.file("a"), "--at", "36", "--latent", "8", "--out", dir.file("b")])
        #expect(bad.status == 64 && bad.stderr.contains("--latent cannot change at a fork"))
        let b = try Binary.run(["train", "--headless", "--fork", dir.file("a"), "--at", "40", "--epochs", "2", "--lr", "0.002", "--out", dir.file("b")])
        #expect(b.status == 0, "\(b.stderr)")
        let run = try RunFileReader.read(dir.file("b"))
        #expect(run.header.parent?.step == 36 && run.header.parent?.run.hasSuffix("/a") == true)
        #expect(run.events.contains { if case .change(let c) = $0 { c.source == "fork" && c.parameter == .lr && c.new == 0.002 && c.step == 36 } else { false } })
        let steps = run.events.compactMap { if case .step(let m) = $0 { m.step } else { nil } }
        #expect(steps.first == 37 && steps.last == 72)
    }

    @Test func replayOfSeveralRunsWithoutATerminalComparesThem() throws {
        let r = try Binary.run(["replay", "no-annealing", "free-bits", "undo-and-rewind"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["run", "no-annealing", "free-bits", "undo-and-rewind"])
        #expect(lines.contains { $0.hasPrefix("active units") && $0.contains("9/32") && $0.contains("32/32") })
        #expect(lines.contains { $0.hasPrefix("rewinds") && $0.hasSuffix("2") })
    }

    @Test func exportsLabelEachBranch() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["export", "undo-and-rewind", "--csv", dir.file("u.csv"), "--tensorboard", dir.file("tb")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(branch 1)") && r.stdout.contains("(branch 2)"))
        for b in 1...2 { #expect(!((try? FileManager.default.contentsOfDirectory(atPath: dir.file("tb/branch-\(b)"))) ?? []).isEmpty) }
        let rows = try String(contentsOfFile: dir.file("u.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", maxSplits: 2).map(String.init) }
        #expect(rows[0].prefix(2) == ["branch", "step"])
        // Each branch's rows: branch 0 up to where it was left, 1 from its fork, 2 from its fork to the end.
        func steps(_ b: String) -> [Int] { rows.dropFirst().filter { $0[0] == b }.compactMap { Int($0[1]) } }
        #expect(steps("0").last == 302 && steps("1").first == 302 && steps("1").last == 926)
        #expect(steps("2").first == 801 && steps("2").last == 2160)
        #expect(try String(contentsOfFile: dir.file("u.csv"), encoding: .utf8).contains("undo to 301 (branch 1: undo lr 0.001 → 10 (step 301))"))
    }
}
