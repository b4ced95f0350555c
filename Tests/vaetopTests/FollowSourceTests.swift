import Foundation
import Monitor
import Runs
import TensorBoard
import TestSupport
import Testing
@testable import EventSources
@testable import vaetop

/// `vaetop watch` on a folder PyTorch's SummaryWriter is still writing.
@Suite struct FollowSourceTests {
    /// Appends events to an event file (created with its file_version record first).
    func append(_ events: [TensorBoardEvent], to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path, contents: Data(TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: 1e9))))
        }
        let h = try #require(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile(); h.write(Data(events.flatMap { TFRecord.frame($0.encoded()) })); try h.close()
    }

    /// An add_scalars group whose sub-folder appears after watching began is followed too, as "main/key".
    @Test func addScalarsGroupsAppearingLaterAreFollowed() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let main = dir.file("events.out.tfevents.1.host.1.0")
        try append((1...3).map { TensorBoardEvent(wallTime: 1e9 + Double($0), step: Int64($0), scalars: [("loss", 100 - Double($0))]) }, to: main)
        let source = TensorBoardFollowSource(directory: dir.path, mapping: TagMapping())
        var steps: [StepMetrics] = []
        func drain(from t: Double) {
            for k in 0..<5 {
                switch source.poll(now: t + Double(k) * 1.1) {
                case .events(let e): steps += e.compactMap { if case .step(let m) = $0 { m } else { nil } }
                default: break
                }
            }
        }
        drain(from: 0)
        // The script's first add_scalars("losses", {"kl": …}) creates losses_kl/, every value tagged "losses".
        try append((4...6).map { TensorBoardEvent(wallTime: 1e9 + Double($0), step: Int64($0), scalars: [("losses", 0.5 * Double($0))]) },
                   to: dir.file("losses_kl/events.out.tfevents.1.host.1.1"))
        try append((4...7).map { TensorBoardEvent(wallTime: 1e9 + Double($0), step: Int64($0), scalars: [("loss", 100 - Double($0))]) }, to: main)
        drain(from: 10)
        let kl = steps.filter { $0.step >= 4 && $0.step <= 6 }.map(\.kl)
        #expect(kl == [2, 2.5, 3], "\(steps.map { ($0.step, $0.kl) })")
    }

    /// A 2^60 length with a sound checksum appended while watching (then 100 more steps): watch resyncs as replay
    /// does, reads all 200 steps, and says at which offset it skipped (it once stayed at step 100 and said nothing).
    @Test func absurdLengthAppendedWhileWatchingResyncs() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let file = dir.file("events.out.tfevents.1.host.1.0")
        func steps(_ r: ClosedRange<Int>) -> [TensorBoardEvent] {
            r.map { TensorBoardEvent(wallTime: 1e9 + Double($0), step: Int64($0), scalars: [("loss", 300 - Double($0))]) }
        }
        try append(steps(1...100), to: file)
        let source = TensorBoardFollowSource(directory: dir.path, mapping: TagMapping())
        var seen: [Int] = [], alerts: [String] = []
        func drain(from t: Double) {
            for k in 0..<6 {
                if case .events(let e) = source.poll(now: t + Double(k) * 1.1) {
                    seen += e.compactMap { if case .step(let m) = $0 { m.step } else { nil } }
                    alerts += e.compactMap { if case .alert(let a) = $0 { a.message } else { nil } }
                }
            }
        }
        drain(from: 0)
        #expect(seen.max() == 100)
        let offset = try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int
        let length = withUnsafeBytes(of: UInt64(1 << 60).littleEndian) { Array($0) }
        var bogus = length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { bogus += $0 }
        let h = try #require(FileHandle(forWritingAtPath: file))
        h.seekToEndOfFile(); h.write(Data(bogus + steps(101...200).flatMap { TFRecord.frame($0.encoded()) })); try h.close()
        drain(from: 10)
        #expect(Set(seen) == Set(1...200), "steps seen up to \(seen.max() ?? 0); missing \(Set(1...200).subtracting(seen).sorted().prefix(5))")
        #expect(alerts.contains { $0.contains("offset \(offset)") && $0.contains("exceeds") }, "\(alerts)")
    }

    /// A watched event file deleted, then its folder removed: said once each, and the screen keeps the run (a
    /// deletion once reset the screen to nothing).
    @Test func deletedEventFileKeepsTheScreen() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = dir.file("tb"), file = run + "/events.out.tfevents.1.host.1.0"
        try append((1...20).map { TensorBoardEvent(wallTime: 1e9 + Double($0), step: Int64($0), scalars: [("loss", 100 - Double($0))]) }, to: file)
        let source = TensorBoardFollowSource(directory: run, mapping: TagMapping())
        var alerts: [String] = [], resets = 0
        func drain(from t: Double) {
            for k in 0..<4 {
                switch source.poll(now: t + Double(k) * 1.1) {
                case .events(let e): alerts += e.compactMap { if case .alert(let a) = $0 { a.message } else { nil } }
                case .reset: resets += 1
                case .none: break
                }
            }
        }
        drain(from: 0)
        try FileManager.default.removeItem(atPath: file)
        drain(from: 10)
        #expect(resets == 0 && alerts.filter { $0.contains("was deleted; the screen keeps what it read") }.count == 1, "\(alerts)")
        try FileManager.default.removeItem(atPath: run)
        drain(from: 20)
        #expect(resets == 0 && alerts.filter { $0.contains("was removed") }.count == 1, "\(alerts)")
    }

    /// `watch A B`: what happens to B's file is said in the event log too, with B's name.
    @Test func comparedRunsNoticesReachTheMainLog() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: dir.file(name), withIntermediateDirectories: true)
            try ([RunEvent.header(RunHeader(name: name, created: "2026-12-03T00:00:00Z", config: RunConfig(), layers: [], parameters: 1,
                                             trainImages: 1, testImages: 1, stepsPerEpoch: 1))]
                 .map { RunFileCodec.encode($0) + "\n" }.joined()).write(toFile: dir.file(name + "/run.jsonl"), atomically: false, encoding: .utf8)
        }
        let source = ComparingSource(main: RunFollowSource(directory: dir.file("a")), others: [RunFollowSource(directory: dir.file("b"))], names: ["b"])
        _ = source.poll(now: 0); _ = source.pollCompared(now: 0)
        try FileManager.default.removeItem(atPath: dir.file("b/run.jsonl"))
        _ = source.pollCompared(now: 1)
        guard case .events(let e) = source.poll(now: 1) else { Issue.record("nothing said"); return }
        let texts = e.compactMap { if case .alert(let a) = $0 { a.message } else { nil } }
        #expect(texts.contains { $0.hasPrefix("[b] ") && $0.contains("was deleted") }, "\(texts)")
    }
}
