import Foundation
import Runs
import TestSupport
import Testing
@testable import TensorBoard

/// Fixtures were written by PyTorch's SummaryWriter and TensorBoard's own writer (scripts/make_tb_fixtures.py).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

@Suite struct TFRecordTests {
    @Test func crc32cCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func eventsRoundTrip() {
        let events = [TensorBoardEvent(wallTime: 1.5e9, step: 0, scalars: [("loss", 1.0)]),
                      TensorBoardEvent(wallTime: 1.5e9 + 1, step: 1 << 40, scalars: [("a", 0.5), ("b", -2)], texts: [("changes", "lr: 1 → 2 (x)")])]
        let bytes = events.flatMap { TFRecord.frame($0.encoded()) }
        let (payloads, problems, consumed) = TFRecord.records(bytes)
        #expect(problems.isEmpty && consumed == bytes.count)
        #expect(payloads.compactMap(TensorBoardEvent.decode) == events)
    }

    @Test func truncatedTailIsLeftForLater() {
        let bytes = (0..<3).flatMap { TFRecord.frame(TensorBoardEvent(wallTime: 1, step: Int64($0), scalars: [("x", 1)]).encoded()) }
        let (payloads, problems, consumed) = TFRecord.records(Array(bytes.dropLast(5)))
        #expect(payloads.count == 2 && problems.isEmpty && consumed < bytes.count - 5)
    }
}

@Suite struct FixtureTests {
    func stepRecords(_ c: RunFileContents) -> [StepMetrics] { c.events.compactMap { if case .step(let m) = $0 { m } else { nil } } }

    @Test(arguments: ["torch-simple", "torch-tensor"])
    func pytorchSummaryWriterBothScalarForms(_ name: String) throws {
        let r = try #require(RunImport.read(fixtures + "/" + name))
        #expect(r.problems.isEmpty)
        let steps = stepRecords(r.contents)
        #expect(steps.map(\.step) == Array(0..<10))
        #expect(r.contents.header.config.latent == 4)
        let s3 = steps[3]
        #expect(abs(Double(s3.loss) - (500 * exp(-3.0 / 5) + 100)) < 1e-3)
        #expect(abs(s3.lr - 1e-3 * 1) < 1e-9 && abs(s3.beta - 0.6) < 1e-6)
        #expect(s3.klDims.count == 4 && abs(s3.klDims[2] - 1.3) < 1e-6)
        #expect(abs(s3.gradNorm - 13) < 1e-6)
        if name == "torch-simple" {
            #expect(r.ignoredTags == ["some/unmapped_tag"])
            #expect(r.contents.events.contains { if case .change(let c) = $0 { c.parameter == .lr && c.new == 0.002 && c.step == 5 && c.source == "client" } else { false } })
            #expect(r.contents.events.contains { if case .eval(let e) = $0 { e.step == 9 && e.loss == 150 } else { false } })
        }
    }

    @Test func tensorboardWriterWithMappingFile() throws {
        let dir = fixtures + "/tensorboard-writer"
        let unmapped = try #require(RunImport.read(dir))
        #expect(stepRecords(unmapped.contents).isEmpty && unmapped.ignoredTags.count == 3)
        let mapping = try TagMapping.parse(try String(contentsOfFile: dir + "/mapping.txt", encoding: .utf8))
        let r = try #require(RunImport.read(dir, mapping: mapping))
        let steps = stepRecords(r.contents)
        #expect(steps.count == 10)
        #expect(abs(Double(steps[0].loss) - 600) < 1e-3 && abs(steps[0].lr - 1e-3) < 1e-9 && steps[0].klDims == [0])
        #expect(throws: TagMapping.ParseError.self) { try TagMapping.parse("loss\n") }
        #expect(throws: TagMapping.ParseError.self) { try TagMapping.parse("a = kl_dim x\n") }
    }

    @Test func damagedFileReportsOffsetAndReadsTheRest() throws {
        let r = try #require(RunImport.read(fixtures + "/damaged"))
        #expect(r.problems.count == 1)
        #expect(r.problems[0].problem.offset == 180 && r.problems[0].problem.message.contains("bad data checksum"))
        #expect(r.contents.skipped.first?.reason.contains("offset 180") == true)
        // Everything but the damaged record and the cut tail survives.
        let steps = stepRecords(r.contents)
        #expect(steps.count >= 9 && steps.last!.step == 9)
    }
}

@Suite struct ExportTests {
    func run() -> RunFileContents {
        var c = RunConfig(); c.latent = 3
        let h = RunHeader(name: "x", created: "2026-11-27T00:00:00Z", config: c, layers: ["enc1", "out"], parameters: 1,
                          trainImages: 1, testImages: 1, stepsPerEpoch: 5)
        var events: [RunEvent] = []
        for s in 1...5 {
            events.append(.step(StepMetrics(step: s, epoch: 1, loss: Float(100 - s), recon: 90, kl: Float(10 - s), klDims: [1, 2, Float(s)],
                                            beta: 0.5, lr: 1e-3 * Double(s), gradNorm: 3, gradNormClipped: 2, clipCoef: 0.6,
                                            layerGradNorms: [1, 2], batchSize: 128, samplesPerSecond: 1000, time: Double(s))))
        }
        events.append(.change(ParameterChange(step: 3, parameter: .beta, old: 0.5, new: 0.25, source: "keyboard")))
        events.append(.eval(EvalMetrics(step: 5, epoch: 1, loss: 120, recon: 100, kl: 20, klDims: [1, 2, 3], meanVariance: [1, 1, 1],
                                        activeUnits: 3, collapsed: [], images: 10)))
        return RunFileContents(header: h, events: events, skipped: [], tornTail: false)
    }

    @Test func exportReadsBackThroughTheConvention() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let path = try EventFile.write(RunExport.events(run()), to: dir.path, wallTime: 1.8e9)
        #expect(EventFile.isEventFile(path))
        let r = try #require(RunImport.read(dir.path))
        #expect(r.problems.isEmpty && r.ignoredTags.isSubset(of: Set(["samples_per_s", "grad_norm/clip_coef", "eval/recon", "eval/kl", "eval/active_units"]
                                                             ).union((0..<3).map { String(format: "eval/kl_dim_%02d", $0) })))
        let steps = r.contents.events.compactMap { if case .step(let m) = $0 { m } else { nil } }
        #expect(steps.map(\.step) == [1, 2, 3, 4, 5])
        #expect(steps[2].klDims == [1, 2, 3] && abs(steps[4].lr - 5e-3) < 1e-9 && steps[0].loss == 99)
        #expect(r.contents.header.layers == ["enc1", "out"] && steps[0].layerGradNorms == [1, 2])
        #expect(r.contents.events.contains { if case .change(let c) = $0 { c.parameter == .beta && c.old == 0.5 && c.new == 0.25 } else { false } })
        #expect(r.contents.events.contains { if case .eval(let e) = $0 { e.step == 5 && e.loss == 120 } else { false } })
    }

    @Test func csvHasOneRowPerStepAndOneColumnPerSeries() {
        let lines = RunCSV.table(run()).split(separator: "\n")
        #expect(lines.count == 6)
        let header = lines[0].split(separator: ",")
        #expect(header.contains("kl_dim_02") && header.contains("grad_norm_out") && header.last == "change")
        #expect(lines[3].hasSuffix("\"beta 0.5->0.25\""))
        #expect(lines[5].contains(",120.0,3,"))
    }

    /// A length of 2^60 with a sound length checksum is damage, not a record to wait for: reported, skipped.
    @Test func absurdLengthWithValidChecksumResyncs() {
        var bytes = TFRecord.frame(Array("first".utf8))
        let length = withUnsafeBytes(of: UInt64(1 << 60).littleEndian) { Array($0) }
        bytes += length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { bytes += $0 }
        bytes += TFRecord.frame(Array("second".utf8))
        let (payloads, problems, consumed) = TFRecord.records(bytes)
        #expect(payloads.map { String(decoding: $0, as: UTF8.self) } == ["first", "second"])
        #expect(problems.count == 1 && problems[0].message.contains("exceeds") && problems[0].offset == 21)
        #expect(consumed == bytes.count)
    }
}

/// Mutated event files: every read ends, every record it yields passes the reader's checks.
@Suite struct EventFileFuzzTests {
    @Test func mutationsNeverCrashAndYieldOnlyUsableRecords() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var events: [TensorBoardEvent] = []
        for s in 1...20 {
            events.append(TensorBoardEvent(wallTime: 1.8e9 + Double(s), step: Int64(s),
                                           scalars: [("loss", 100 - Double(s)), ("kl/dim_03", 0.5), ("lr", 1e-3), ("grad_norm/enc", 2)]))
        }
        // Hostile steps, dimensions and layers.
        events.append(TensorBoardEvent(wallTime: -5, step: Int64.max, scalars: [("loss", 1)]))
        events.append(TensorBoardEvent(wallTime: .nan, step: -7, scalars: [("kl/dim_99999999", 1), ("loss", 2)]))
        let file = try EventFile.write(events, to: dir.file("tb"), wallTime: 1.8e9)
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        var state: UInt64 = 77
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        for i in 0..<300 {
            var b = good
            for _ in 0..<(1 + next() % 5) { b[Int(next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: next()) }
            if i % 7 == 0 { b = Array(b.prefix(Int(next() % UInt64(b.count)))) }
            try Data(b).write(to: URL(fileURLWithPath: file))
            guard let r = RunImport.read(dir.file("tb")) else { continue }
            for e in r.contents.events { #expect(e.problem() == nil, "\(e)") }
        }
        try Data(good).write(to: URL(fileURLWithPath: file))
        let r = try #require(RunImport.read(dir.file("tb")))
        #expect(r.contents.events.allSatisfy { $0.problem() == nil })
        #expect(r.contents.skipped.contains { $0.reason.contains("outside") })
        #expect(r.ignoredTags.contains("kl/dim_99999999"))
    }
}
