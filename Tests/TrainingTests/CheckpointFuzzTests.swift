import Datasets
import Foundation
import Runs
import TensorCore
import TestSupport
import Testing
@testable import RunControl
@testable import Training

/// Damaged and hostile checkpoints: every one is refused with a message naming what is wrong, none crashes.
@Suite(.serialized) struct CheckpointFuzzTests {
    /// A run directory with a real checkpoint after 3 steps; returns its path and the checkpoint's bytes.
    func makeRun(_ dir: TempDirectory) throws -> (String, [UInt8]) {
        let t = try Trainer(config: tinyConfig(), data: tinyData, directory: dir.file("r"))
        t.begin()
        for _ in 0..<3 { t.step() }
        t.checkpoint(); t.close()
        let path = dir.file("r/checkpoint.bin")
        return (dir.file("r"), [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// Resuming either fails with a `TrainerError` naming checkpoint.bin, or gives a trainer that can step.
    func resumeNeverCrashes(_ run: String, _ bytes: [UInt8]) -> String? {
        try? Data(bytes).write(to: URL(fileURLWithPath: run + "/checkpoint.bin"))
        do {
            let t = try Trainer(resume: run, data: tinyData)
            t.step()
            return nil
        } catch {
            return error.description
        }
    }

    @Test func flippedBytesAndTruncationsFailTheChecksum() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let (run, good) = try makeRun(dir)
        var rng = RandomSource(seed: 99)
        for _ in 0..<60 {
            var b = good
            let i = Int(rng.next() % UInt64(b.count))
            b[i] ^= UInt8(1 + rng.next() % 255)
            let why = try #require(resumeNeverCrashes(run, b))
            #expect(why.contains("checkpoint.bin") && (why.contains("checksum") || why.contains("magic") || why.contains("version")), "\(why)")
        }
        for cut in [0, 7, 16, 23, 24, good.count / 3, good.count - 5, good.count - 1] {
            let why = try #require(resumeNeverCrashes(run, Array(good.prefix(cut))))
            #expect(why.contains("checkpoint.bin"))
        }
    }

    /// The fields a checksum cannot vouch for: re-framed with a valid checksum, each hostile value is named.
    @Test func hostileFieldsWithAValidChecksumAreNamed() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let (run, good) = try makeRun(dir)
        let contents = try CheckpointFile.parse(Data(good), path: "x")
        let meta = try #require(try JSONSerialization.jsonObject(with: contents.metadata) as? [String: Any])
        func reframe(_ m: [String: Any], buffers: [[Float]]? = nil) throws -> [UInt8] {
            let data = try JSONSerialization.data(withJSONObject: m)
            let bufs = buffers ?? contents.buffers
            let tmp = dir.file("tmp.bin")
            let pointers = bufs.map { b in b.withUnsafeBufferPointer { p in UnsafeBufferPointer(start: UnsafeMutablePointer(mutating: p.baseAddress), count: b.count) } }
            try CheckpointFile.write(metadata: data, buffers: pointers, to: tmp)
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: tmp)))
        }
        let cases: [(String, Any, String)] = [
            ("stepsDone", -5, "stepsDone"), ("stepsDone", Int64.max, "stepsDone"), ("position", 1_000_000, "position"),
            ("position", -1, "position"), ("epoch", -2, "epoch"), ("permutation", [0, 0, 1], "data order"),
            ("permutation", Array(repeating: 5, count: 64), "permutation"), ("permutation", (0..<64).map { $0 == 3 ? -7 : $0 }, "permutation"),
            ("optimizers", ["vae": ["steps": -1]], "optimizers.vae.steps"), ("optimizers", ["adam": ["steps": 1]], "optimizers are adam"),
            ("optimizers", [String: Any](), "optimizers are"), ("trainSeconds", -3.0, "trainSeconds"), ("nanStreak", -1, "nanStreak"),
            ("buffers", ["params"], "buffers"), ("samplesSeen", -9, "samplesSeen"),
        ]
        for (field, value, named) in cases {
            var m = meta; m[field] = value
            let why = try #require(resumeNeverCrashes(run, try reframe(m)), "\(field) = \(value) was accepted")
            #expect(why.contains(named), "\(field): \(why)")
        }
        for (knob, value) in [("batchSize", -1.0), ("batchSize", 1e12), ("freeBits", 1e300), ("lrMultiplier", 0.0), ("weightDecay", 5.0)] {
            var m = meta
            var k = try #require(m["knobs"] as? [String: Any]); k[knob] = value; m["knobs"] = k
            let why = try #require(resumeNeverCrashes(run, try reframe(m)), "knob \(knob) = \(value) was accepted")
            #expect(why.contains("knobs") || why.contains("metadata"), "\(knob): \(why)")
        }
        for (key, value) in [("batchSize", 0), ("epochs", Int.max), ("latent", -3), ("threads", 0)] as [(String, Any)] {
            var m = meta
            var c = try #require(m["config"] as? [String: Any]); c[key] = value; m["config"] = c
            let why = try #require(resumeNeverCrashes(run, try reframe(m)), "config \(key) = \(value) was accepted")
            #expect(why.contains("config"), "\(key): \(why)")
        }
        // Buffers of the wrong size, or missing.
        var short = contents.buffers; short[0].removeLast()
        #expect(try #require(resumeNeverCrashes(run, try reframe(meta, buffers: short))).contains("params"))
        #expect(try #require(resumeNeverCrashes(run, try reframe(meta, buffers: Array(contents.buffers.prefix(1))))).contains("buffers"))
        // Non-finite weights: refused, naming the step.
        var nan = contents.buffers; nan[0][5] = .nan
        let why = try #require(resumeNeverCrashes(run, try reframe(meta, buffers: nan)))
        #expect(why.contains("non-finite") && why.contains("step 3"), "\(why)")
        // The untouched checkpoint still resumes.
        #expect(resumeNeverCrashes(run, good) == nil)
    }

    /// Version-1 files (no checksum; format 2's metadata): a first buffer count of 2^64 − 1 or a metadata length past
    /// the end is named.
    @Test func versionOneLengthsAreChecked() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let (run, _) = try makeRun(dir)
        let format2 = [UInt8](try Data(contentsOf: URL(fileURLWithPath: CheckpointFormatTests.fixtures + "/format2-vae-sgd.bin")))
        var v1 = Array(format2.dropLast(4)); v1[8] = 1
        let metaLength = Int(v1[16]) | Int(v1[17]) << 8 | Int(v1[18]) << 16
        #expect(resumeNeverCrashes(run, v1) == nil, "a sound version-1 file resumes")
        var huge = v1
        for i in 0..<8 { huge[24 + metaLength + i] = 0xFF }
        #expect(try #require(resumeNeverCrashes(run, huge)).contains("buffer 0 claims"))
        var longMeta = v1
        for i in 0..<8 { longMeta[16 + i] = 0xFF }
        #expect(try #require(resumeNeverCrashes(run, longMeta)).contains("metadata length"))
    }

    @Test func slicedCRCMatchesTheBytewiseDefinition() {
        var rng = RandomSource(seed: 5)
        for n in [0, 1, 7, 8, 9, 63, 64, 1000] {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            }
            #expect(CRC32C.checksum(bytes) == c ^ 0xFFFF_FFFF, "n = \(n)")
        }
    }
}

/// 200 presses of `c` used to write 200 fsync'ed checkpoints; now a burst is one write, and none for a step on disk.
@Suite(.serialized) struct CheckpointCoalescingTests {
    @Test func burstsOfCheckpointRequestsCoalesce() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var written = 0
        let t = try Trainer(config: tinyConfig { $0.epochs = 30 }, data: tinyData, directory: dir.file("r"),
                            sink: { if case .checkpoint = $0 { written += 1 } })
        t.begin()
        t.step()
        for _ in 0..<200 { t.apply(.checkpoint) }   // paused or not: the same step
        #expect(written == 1)
        for _ in 0..<50 { t.step(); t.apply(.checkpoint) }   // a new step each time, within the interval
        #expect(written == 1)
        #expect(t.checkpointPending)
        t.close()
        // The pending one is written when the run finishes (finish() checkpoints).
    }

    /// The coalescing rule on an injected clock: a write, then requests within 2 s wait and become one write when
    /// the interval is over; a step already on disk is said once, not written.
    @Test func theStoreCoalescesOnItsClock() {
        final class Clock: @unchecked Sendable { var now = 100.0 }
        let clock = Clock()
        var store = CheckpointStore()
        store.clock = { clock.now }
        #expect(store.request(at: 1, onDisk: false) == .write)
        store.attempted(step: 1, error: nil)
        #expect(store.request(at: 1, onDisk: true) == .alreadyOnDisk(note: true))
        #expect(store.request(at: 1, onDisk: true) == .alreadyOnDisk(note: false), "said once per step")
        clock.now += 1
        #expect(store.request(at: 2, onDisk: false) == .later && store.pending && !store.due)
        clock.now += 1.5
        #expect(store.due)
        store.attempted(step: 2, error: nil)
        #expect(!store.pending && store.step == 2)
        // A refusal that wrote nothing (non-finite weights) starts no interval: the next request writes at once.
        clock.now += 0.1
        store.attempted(step: nil, error: "non-finite", touchedDisk: false)
        clock.now += 2.5
        #expect(store.request(at: 3, onDisk: false) == .write && store.step == 2 && store.error == "non-finite")
    }

    @Test func nonFiniteWeightsNeverReplaceAGoodCheckpoint() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let t = try Trainer(config: tinyConfig(), data: tinyData, directory: dir.file("r"))
        t.begin()
        t.step(); t.checkpoint()
        let good = try Data(contentsOf: URL(fileURLWithPath: dir.file("r/checkpoint.bin")))
        t.step()
        t.model.params.values[0] = .nan
        t.checkpoint()
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.file("r/checkpoint.bin"))) == good)
        #expect(t.checkpointError?.contains("keeps step 1") == true, "\(t.checkpointError ?? "")")
        t.close()
    }
}
