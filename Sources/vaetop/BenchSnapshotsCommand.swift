import ArgumentParser
import Datasets
import Foundation
import RunControl
import Runs
import TensorCore
import Training

/// Writes a line at once (each result as it is measured, even into a pipe).
private func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

/// `vaetop bench-snapshots`: what undo and rewind cost (use a release build).
struct BenchSnapshots: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-snapshots",
        abstract: "Time and memory of in-memory snapshots, and undo's latency (release build).")

    @Option(help: "Snapshots taken to fill the ring.") var fill: Int = 200
    @Option(help: "Undo latency samples.") var undos: Int = 20

    func run() throws {
        let data: (train: ImageDataset, test: ImageDataset)
        do { data = try DataSource.embedded.load() } catch { throw fail("data: \(error)", code: 65) }
        say("OpenBLAS kernel \(BLASThreads.coreName)")
        var large = RunConfig()
        large.encoder = [1024, 512]; large.decoder = [512, 1024]; large.latent = 64
        for (name, config) in [("default 784-400-20", RunConfig()), ("784-1024-512-64", large)] {
            let b: SnapshotBenchmark
            do { b = try SnapshotBenchmark.measure(config: config, data: data, fill: fill) } catch { throw fail("\(error)") }
            say(String(format: "%@: %d parameters, one snapshot %.1f MB, take %.2f ms, restore %.2f ms",
                         name, b.parameters, Double(b.bytes) / 1_048_576, b.takeSeconds * 1000, b.restoreSeconds * 1000))
            say(String(format: "  ring after %d snapshots: %d kept, %.1f MB held of the %.0f MB budget; oldest points %@ … newest %@",
                         b.filled, b.kept, Double(b.heldBytes) / 1_048_576, Double(b.budgetBytes) / 1_048_576,
                         b.points.prefix(6).map(String.init).joined(separator: ","), b.points.suffix(4).map(String.init).joined(separator: ",")))
        }
        do {
            let u = try SnapshotBenchmark.undoLatency(config: RunConfig(), data: data, count: undos)
            say(String(format: "undo, default model: key to the first step of the new branch: median %.1f ms, worst %.1f ms (%d undos; a frame is %d ms)",
                         u.median * 1000, u.worst * 1000, undos, 33))
        } catch { throw fail("\(error)") }
    }
}
