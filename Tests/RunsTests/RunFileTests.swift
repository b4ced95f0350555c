import Foundation
import Runs
import TestSupport
import Testing

func sampleHeader() -> RunHeader {
    RunHeader(name: "t", created: "2026-11-27T00:00:00Z", config: RunConfig(), layers: ["enc1", "out"], parameters: 10,
              trainImages: 5, testImages: 2, stepsPerEpoch: 1)
}

func sampleStep(_ n: Int) -> RunEvent {
    .step(StepMetrics(step: n, epoch: 1, loss: 100.5, recon: 90, kl: 10.5, klDims: [5, 5.5], beta: 1, lr: 1e-3,
                      gradNorm: 3, gradNormClipped: 3, layerGradNorms: [2, 1], batchSize: 128, samplesPerSecond: 2e4, time: 0.1 * Double(n)))
}

@Suite struct RunFileTests {
    @Test func everyRecordKindRoundTrips() throws {
        let events: [RunEvent] = [
            .header(sampleHeader()), sampleStep(1),
            .eval(EvalMetrics(step: 1, epoch: 1, loss: 120, recon: 100, kl: 20, klDims: [10, 10], meanVariance: [1, 0.001],
                              activeUnits: 1, collapsed: [1], images: 2)),
            .change(ParameterChange(step: 1, parameter: .lr, old: 1e-3, new: 2e-3, source: "keyboard")),
            .change(ParameterChange(step: 1, parameter: .beta, old: nil, new: 0.5, source: "keyboard")),
            .skipped(SkippedStep(step: 2, epoch: 1, reason: "loss is nan")),
            .alert(Alert(step: 2, level: .warning, message: "dimension 1 collapsed")),
            .checkpoint(CheckpointRecord(step: 2, path: "checkpoint.bin")),
            .state(StateChange(step: 2, state: .paused, reason: "keyboard")),
            .images(ImageRecord(step: 2, rows: 1, cols: 2, originals: [[0, 255]], reconstructions: [[3, 4]], samples: [[5, 6]])),
            .rangeTest(RangeTestRecord(step: 0, mode: "exponential", start: 1e-7, end: 10, steps: 3, lrs: [1e-7, 1e-3, 10],
                                       losses: [5, 3, .infinity], smoothed: [5, 4.9, .infinity], finished: true, diverged: true,
                                       steepest: 1e-3, valley: nil, minimumOverTen: 1e-4, cyclicBase: 1e-7, cyclicMax: 1e-3, applied: .onecycle)),
            .end(RunSummary(step: 2, epoch: 1, reason: .finished, testLoss: 110, activeUnits: 1, samplesPerSecond: 1, seconds: 2)),
        ]
        for e in events {
            let line = RunFileCodec.encode(e)
            #expect(!line.contains("\n"))
            #expect(try RunFileCodec.decode(Substring(line)) == e)
        }
    }

    @Test func nonFiniteNumbersSurvive() throws {
        let m = StepMetrics(step: 1, epoch: 1, loss: .nan, recon: .infinity, kl: 0, klDims: [-.infinity], beta: 1, lr: 1,
                            gradNorm: .nan, gradNormClipped: .nan, layerGradNorms: [], batchSize: 1, samplesPerSecond: 1, time: 0)
        let back = try RunFileCodec.decode(Substring(RunFileCodec.encode(.step(m))))
        guard case .step(let n) = back else { Issue.record("wrong kind"); return }
        #expect(n.loss.isNaN && n.recon == .infinity && n.klDims == [-.infinity])
    }

    func write(_ lines: [String], to path: String, trailingNewline: Bool = true) {
        let text = lines.joined(separator: "\n") + (trailingNewline ? "\n" : "")
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    @Test func tornLastLineIsIgnored() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let full = RunFileCodec.encode(sampleStep(2))
        write([RunFileCodec.encode(.header(sampleHeader())), RunFileCodec.encode(sampleStep(1)), String(full.prefix(40))],
              to: dir.file("run.jsonl"), trailingNewline: false)
        let c = try RunFileReader.read(dir.path)
        #expect(c.events == [sampleStep(1)])
        #expect(c.tornTail)
        #expect(c.skipped.map(\.line) == [3])
    }

    @Test func completeLastLineWithoutNewlineIsKept() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        write([RunFileCodec.encode(.header(sampleHeader())), RunFileCodec.encode(sampleStep(1))], to: dir.file("run.jsonl"), trailingNewline: false)
        let c = try RunFileReader.read(dir.file("run.jsonl"))
        #expect(c.events == [sampleStep(1)] && !c.tornTail && c.skipped.isEmpty)
    }

    @Test func garbageAndUnknownKindsAreSkippedWithLineNumbers() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        var withExtra = RunFileCodec.encode(sampleStep(3))
        withExtra.removeLast()
        withExtra += ",\"future_field\":[1,2,3]}"
        write([RunFileCodec.encode(.header(sampleHeader())), "garbage {{{", RunFileCodec.encode(sampleStep(1)),
               "{\"kind\":\"hologram\",\"step\":2}", "", withExtra], to: dir.file("run.jsonl"))
        let c = try RunFileReader.read(dir.file("run.jsonl"))
        #expect(c.events == [sampleStep(1), sampleStep(3)])
        #expect(c.skipped == [.init(line: 2, reason: "not JSON"), .init(line: 4, reason: "unknown record kind 'hologram'")])
    }

    @Test func headerProblemsAreNamed() {
        let dir = TempDirectory(); defer { dir.remove() }
        write([RunFileCodec.encode(sampleStep(1))], to: dir.file("a.jsonl"))
        #expect(throws: RunFileError.notARunFile(path: dir.file("a.jsonl"), reason: "first line is not a header record")) {
            try RunFileReader.read(dir.file("a.jsonl"))
        }
        var h = sampleHeader(); h.version = 99
        write([RunFileCodec.encode(.header(h))], to: dir.file("b.jsonl"))
        #expect(throws: RunFileError.newerVersion(path: dir.file("b.jsonl"), version: 99)) { try RunFileReader.read(dir.file("b.jsonl")) }
        write([], to: dir.file("c.jsonl"), trailingNewline: false)
        #expect(throws: RunFileError.notARunFile(path: dir.file("c.jsonl"), reason: "empty file")) { try RunFileReader.read(dir.file("c.jsonl")) }
        #expect(throws: RunFileError.missing(path: dir.file("none"))) { try RunFileReader.read(dir.file("none")) }
    }

    @Test func writerAppendsAndFlushes() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let w = try RunFileWriter(path: dir.file("run.jsonl"))
        try w.append(.header(sampleHeader()))
        for i in 1...100 { try w.append(sampleStep(i)) }
        try w.close()
        let c = try RunFileReader.read(dir.file("run.jsonl"))
        #expect(c.events.count == 100)
        #expect(throws: RunFileError.self) { try RunFileWriter(path: dir.file("no/such/dir/run.jsonl")) }
    }

    /// A full disk: /dev/full accepts the open and fails every write with ENOSPC; lines stay queued.
    @Test func writeFailureIsReportedNotLost() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { return }
        let w = try RunFileWriter(path: "/dev/full")
        try w.append(sampleStep(1))
        #expect { try w.flush() } throws: { e in "\(e)".contains("No space left") }
    }
}
