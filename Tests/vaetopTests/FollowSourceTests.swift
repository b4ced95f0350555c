import Foundation
import Monitor
import Runs
import TensorBoard
import TestSupport
import Testing
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
}
