import Foundation
import TestSupport
import Testing
@testable import Runs

/// Hostile run-file lines: every one is skipped with a reason or read as a record that passes `problem()`;
/// none traps, and the fast and the JSON paths agree on every line.
@Suite struct RunFileFuzzTests {
    static let hostileNumbers = ["1e300", "-1e300", "\"nan\"", "\"inf\"", "\"-inf\"", "9223372036854775807", "-9223372036854775808",
                                 "18446744073709551615", "-1", "0", "1e-40", "4.5", "1e19", "-0", "null", "true", "\"x\"", "[]", "{}"]

    /// The reproductions from the fuzz report, exactly.
    @Test func reportedLinesAreSkippedWithAReason() throws {
        let header = RunFileCodec.encode(.header(sampleHeader()))
        let lines = ["{\"step\":\"nan\"}", "{\"step\":1e300}", "{\"step\":9223372036854775807}",
                     RunFileCodec.encode(sampleStep(1)).replacingOccurrences(of: "\"step\":1", with: "\"step\":1e300"),
                     RunFileCodec.encode(sampleStep(2)).replacingOccurrences(of: "\"step\":2", with: "\"step\":\"nan\""),
                     RunFileCodec.encode(sampleStep(3)).replacingOccurrences(of: "\"step\":3", with: "\"step\":9223372036854775807"),
                     RunFileCodec.encode(sampleStep(4)).replacingOccurrences(of: "\"batchSize\":128", with: "\"batchSize\":-1e19"),
                     RunFileCodec.encode(sampleStep(5)).replacingOccurrences(of: "\"step\":5", with: "\"step\":-9223372036854775808"),
                     RunFileCodec.encode(sampleStep(6)).replacingOccurrences(of: "\"time\":0.6000000000000001", with: "\"time\":1e300"),
                     RunFileCodec.encode(sampleStep(7))]
        let c = try RunFileReader.parse(Data((([header] + lines).joined(separator: "\n") + "\n").utf8), path: "x")
        #expect(c.events == [sampleStep(7)])
        #expect(c.skipped.count == lines.count - 1)
        for s in c.skipped { #expect(!s.reason.isEmpty && s.reason != "not a valid record", "line \(s.line): \(s.reason)") }
        #expect(c.skipped.first { $0.line == 7 }?.reason.contains("step 9223372036854775807") == true, "\(c.skipped)")
    }

    @Test func headersWithImpossibleSizesAreRefusedNamingTheField() {
        for (field, value) in [("batchSize", "-1"), ("epochs", "9223372036854775807"), ("latent", "0"), ("epochs", "1e300")] {
            var h = RunFileCodec.encode(.header(sampleHeader()))
            h = h.replacingOccurrences(of: "\"\(field)\":", with: "\"\(field)\":\(value),\"x\":")
            #expect(throws: RunFileError.self) { try RunFileReader.parse(Data((h + "\n").utf8), path: "x") }
            do { _ = try RunFileReader.parse(Data((h + "\n").utf8), path: "x") } catch {
                #expect("\(error)".contains(field) || "\(error)".contains("header"), "\(field): \(error)")
            }
        }
        for field in ["trainImages", "stepsPerEpoch", "parameters"] {
            var h = RunFileCodec.encode(.header(sampleHeader()))
            h = h.replacingOccurrences(of: "\"\(field)\":", with: "\"\(field)\":9223372036854775807,\"x\":")
            do { _ = try RunFileReader.parse(Data((h + "\n").utf8), path: "x"); Issue.record("\(field) accepted") } catch {
                #expect("\(error)".contains(field), "\(error)")
            }
        }
    }

    /// Every number of every record kind replaced, one at a time, by each hostile value.
    @Test func everyNumberOfEveryRecordKind() throws {
        let records = [RunFileCodec.encode(sampleStep(2)), RunFileCodec.encode(.eval(EvalMetrics(step: 2, epoch: 1, loss: 1, recon: 1, kl: 1,
                          klDims: [1, 2], meanVariance: [1, 1], activeUnits: 2, collapsed: [1], images: 3))),
                       RunFileCodec.encode(.images(ImageRecord(step: 2, rows: 2, cols: 2, originals: [[1, 2, 3, 4]], reconstructions: [[1, 2, 3, 4]], samples: []))),
                       RunFileCodec.encode(.change(ParameterChange(step: 2, parameter: .batchSize, old: 64, new: 128, source: "k"))),
                       RunFileCodec.encode(.rangeTest(RangeTestRecord(step: 0, mode: "linear", start: 1, end: 2, steps: 2, lrs: [1, 2], losses: [3, 4],
                                                                     smoothed: [3, 4], finished: true, diverged: false))),
                       RunFileCodec.encode(.end(RunSummary(step: 2, epoch: 1, reason: .finished, testLoss: 1, activeUnits: 1, samplesPerSecond: 1, seconds: 1))),
                       RunFileCodec.encode(.state(StateChange(step: 2, state: .paused, reason: "k")))]
        let number = try NSRegularExpression(pattern: "(?<=:)-?[0-9][0-9.e+-]*")
        var cases = 0
        for r in records {
            let ns = r as NSString
            for m in number.matches(in: r, range: NSRange(location: 0, length: ns.length)) {
                for v in Self.hostileNumbers {
                    let line = ns.replacingCharacters(in: m.range, with: v)
                    check(line)
                    cases += 1
                }
            }
        }
        #expect(cases > 500)
    }

    /// Seeded random byte damage: flips, truncations, duplicated spans.
    @Test func randomDamage() {
        var rng = SeededRandom(seed: 2026)
        let base = [RunFileCodec.encode(sampleStep(9)), RunFileCodec.encode(.eval(EvalMetrics(step: 2, epoch: 1, loss: 1, recon: 1, kl: 1,
                    klDims: [1, 2], meanVariance: [1, 1], activeUnits: 2, collapsed: [1], images: 3)))]
        let alphabet = Array("0123456789-+.eE\"[]{},:nulltrueinf \\".utf8)
        for i in 0..<3000 {
            var bytes = Array(base[i % base.count].utf8)
            for _ in 0..<(1 + rng.next() % 4) {
                let k = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[k] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.removeSubrange(k..<min(bytes.count, k + Int(rng.next() % 8)))
                default: bytes.insert(contentsOf: bytes[k..<min(bytes.count, k + 6)], at: k)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            check(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// One line through both decoding paths: they agree, and whatever is accepted is in range.
    func check(_ line: String) {
        let viaBytes = Array(line.utf8).withUnsafeBufferPointer { b in Result { () throws(RunFileError) in try RunFileCodec.decode(bytes: b) } }
        let viaJSON = Result { () throws(RunFileError) in try RunFileCodec.decode(Substring(line)) }
        switch (viaBytes, viaJSON) {
        case (.success(let a), .success(let b)):
            #expect(a == b || "\(a)" == "\(b)", "fast and JSON paths disagree on \(line)")
            #expect(a.problem() == nil, "accepted an out-of-range record: \(line)")
        case (.failure, .failure): break
        default: Issue.record("one path accepted, the other refused: \(line)")
        }
    }

    /// The whole reader over a file of damaged lines: every line is either a record or a numbered skip.
    @Test func wholeFilesStayReadable() throws {
        var rng = SeededRandom(seed: 7)
        var lines = [RunFileCodec.encode(.header(sampleHeader()))]
        for i in 1...400 {
            var l = Array(RunFileCodec.encode(sampleStep(i)).utf8)
            if rng.next() % 3 == 0 { l[Int(rng.next() % UInt64(l.count))] = UInt8(32 + rng.next() % 95) }
            lines.append(String(decoding: l, as: UTF8.self))
        }
        let text = lines.joined(separator: "\n")
        let c = try RunFileReader.parse(Data(text.utf8), path: "x")
        #expect(c.events.count + c.skipped.count <= 400)
        #expect(c.events.allSatisfy { $0.problem() == nil })
        // A file fed in pieces of every size gives the same result as at once.
        let dir = TempDirectory(); defer { dir.remove() }
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir.file("run.jsonl")))
        let streamed = try RunFileReader.read(dir.file("run.jsonl"))
        #expect(streamed.events == c.events && streamed.skipped == c.skipped && streamed.tornTail == c.tornTail)
    }
}

/// xorshift64*, for reproducible fuzz inputs.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}

/// Every line of every shipped sample run reads the same through the fast path and the JSON decoder.
@Suite struct SampleRunsBothWaysTests {
    @Test func everySampleRunLineDecodesIdenticallyBothWays() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("sample-runs").path
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder).filter { FileManager.default.fileExists(atPath: "\(folder)/\($0)/run.jsonl") }
        #expect(runs.count >= 5)
        var fast = 0
        for run in runs {
            let text = try String(contentsOfFile: "\(folder)/\(run)/run.jsonl", encoding: .utf8)
            for line in text.split(separator: "\n") {   // every line: header, steps, evals, images, changes, the end
                let bytes = Array(line.utf8)
                let viaJSON = try RunFileCodec.slowDecode(Data(bytes))
                let viaReader = try bytes.withUnsafeBufferPointer { try RunFileCodec.decode(bytes: $0) }
                #expect("\(viaJSON)" == "\(viaReader)", "\(run): \(line.prefix(80))")
                if bytes.withUnsafeBufferPointer({ FastStepParser.parse($0) }) != nil { fast += 1 }
            }
            // The capacity C of capacity annealing survives the fast path (it used to be dropped).
            if run == "capacity-annealing" {
                let c = try RunFileReader.read("\(folder)/\(run)")
                #expect(c.events.contains { if case .step(let m) = $0 { m.capacity != nil } else { false } })
            }
        }
        #expect(fast > 1000, "the fast path is taken for ordinary step records")
    }
}
