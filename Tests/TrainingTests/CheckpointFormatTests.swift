import Foundation
import Runs
import TensorCore
import TestSupport
import Testing
@testable import RunControl
@testable import Training

/// Checkpoint format 3 (buffers and optimizers named per model family) and the migration of format 2 files:
/// the fixtures are real format 2 checkpoints, written by vaetop at c1ac874 after 5 steps of `tinyConfig` runs.
@Suite(.serialized) struct CheckpointFormatTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    /// A run directory holding the fixture `name` as its checkpoint.
    func runWith(_ name: String, _ dir: TempDirectory) throws -> String {
        let run = dir.file(name)
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(Self.fixtures)/\(name).bin", toPath: run + "/" + Checkpoint.fileName)
        return run
    }

    /// The file's buffers by name, as stored.
    func stored(_ path: String) throws -> (UInt32, [String: Any], [[Float]]) {
        let c = try CheckpointFile.read(path)
        return (c.version, try #require(try JSONSerialization.jsonObject(with: c.metadata) as? [String: Any]), c.buffers)
    }

    @Test(arguments: ["format2-vae-adam", "format2-vae-sgd", "format2-vaegan-adam", "format2-vaegan-sgd"])
    func aFormat2CheckpointResumesWithEveryValueInItsPlace(_ name: String) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let run = try runWith(name, dir)
        let (version, meta, old) = try stored(run + "/" + Checkpoint.fileName)
        #expect(version == 2)
        let oldNames = try #require(meta["buffers"] as? [String])
        let oldBuffer = Dictionary(uniqueKeysWithValues: zip(oldNames, old))
        let t = try Trainer(resume: run, data: tinyData)
        #expect(t.stepsDone == 5)
        let now = Dictionary(uniqueKeysWithValues: t.checkpointBuffers.map { ($0.0, $0.1.array) })
        #expect(now["params"] == oldBuffer["params"])
        let gan = name.contains("vaegan")
        let kind = name.hasSuffix("sgd") ? SGD.stateBufferNames : Adam.stateBufferNames
        if gan {
            #expect(now["discriminator.params"] == oldBuffer["disc"])
            for (i, b) in kind.enumerated() {
                #expect(now["encoder.\(b)"] == oldBuffer["encopt\(i)"])
                #expect(now["decoder.\(b)"] == oldBuffer["decopt\(i)"])
            }
            for (i, b) in Adam.stateBufferNames.enumerated() { #expect(now["discriminator.\(b)"] == oldBuffer["disopt\(i)"]) }
            // The whole-model optimizer VAE-GAN never stepped is gone.
            #expect(!now.keys.contains { $0.hasPrefix("opt") } && now.count == 2 + 2 * kind.count + 3)
            let counts = try #require(meta["ganOptimizerSteps"] as? [Int])
            #expect(t.family.optimizers.map(\.1.stepCount) == counts)
            if name.hasSuffix("sgd") {
                // Format 2 did not keep it: the momentum buffers hold values, so they exist (a fresh one would
                // replace them with the gradient on the next step).
                #expect(t.family.optimizers.prefix(2).allSatisfy { ($0.1 as? SGD)?.hasBuffer == true })
            }
        } else {
            for (i, b) in kind.enumerated() { #expect(now["vae.\(b)"] == oldBuffer["opt\(i)"]) }
            #expect(now.count == 1 + kind.count)
            #expect(t.family.optimizers.map(\.1.stepCount) == [try #require(meta["optimizerSteps"] as? Int)])
            #expect((t.family.optimizers[0].1 as? SGD)?.hasBuffer == (meta["sgdHasBuffer"] as? Bool).flatMap { name.hasSuffix("sgd") ? $0 : nil })
        }
    }

    @Test(arguments: ["format2-vae-adam", "format2-vae-sgd", "format2-vaegan-adam", "format2-vaegan-sgd"])
    func aMigratedRunWritesFormat3AndGoesOnBitForBit(_ name: String) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        // Straight on from the format 2 file…
        let a = try Trainer(resume: try runWith(name, dir), data: tinyData)
        for _ in 0..<4 { a.step() }
        // …and through a format 3 file written at once from the migrated state.
        let copy = TempDirectory(); defer { copy.remove() }
        let b0 = try Trainer(resume: try runWith(name, copy), data: tinyData)
        b0.beginResumed(); b0.checkpoint(); b0.close()
        let (version, meta, _) = try stored(copy.file(name) + "/" + Checkpoint.fileName)
        #expect(version == 3)
        let names = try #require(meta["buffers"] as? [String])
        #expect(names.first == "params" && !names.contains { $0.hasPrefix("opt") || $0.contains("opt") })
        let optimizers = try #require(meta["optimizers"] as? [String: Any])
        #expect(Set(optimizers.keys) == (name.contains("vaegan") ? ["encoder", "decoder", "discriminator"] : ["vae"]))
        #expect(meta["optimizerSteps"] == nil && meta["ganOptimizerSteps"] == nil)
        let b = try Trainer(resume: copy.file(name), data: tinyData)
        for _ in 0..<4 { b.step() }
        #expect(a.stepsDone > 5 && a.stepsDone == b.stepsDone)
        #expect(a.checkpointBuffers.map { $0.1.array } == b.checkpointBuffers.map { $0.1.array })
        var (sa, sb) = (a.snapshot, b.snapshot)
        sa.trainSeconds = 0; sb.trainSeconds = 0   // wall-clock time
        #expect(sa == sb)
    }

    /// A format 2 file whose buffers a migration does not know is refused naming them, not half loaded.
    @Test func unknownFormat2BuffersAreNamed() throws {
        let old = TrainerSnapshot.Format2(config: tinyConfig(), stepsDone: 0, epoch: 1, position: 0, permutation: [],
                                          noiseRNG: RandomSource(seed: 1), dataRNG: RandomSource(seed: 2), optimizerSteps: 0,
                                          sgdHasBuffer: false, knobs: Knobs(config: tinyConfig()), trainSeconds: 0, samplesSeen: 0,
                                          nanStreak: 0, buffers: ["params", "opt0", "opt7", "weird"], ganOptimizerSteps: nil)
        let (s, buffers) = TrainerSnapshot.migrated(old, buffers: [[1], [2], [3], [4], [5]])
        #expect(s.buffers == ["params", "vae.m", "opt7", "weird"])
        #expect(buffers.count == 5)
        #expect(s.optimizers == ["vae": OptimizerCounters(steps: 0)])
    }
}
