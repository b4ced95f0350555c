import Foundation
import Testing
@testable import Runs

/// Random records of every kind, every optional field present or absent, non-finite values included: written,
/// then read by the fast path (the reader's) and by the JSON decoder, both give back exactly what was written.
/// Equality is of the re-encoded line, so a NaN equals a NaN.
@Suite struct RecordRoundTripTests {
    @Test func randomRecordsOfEveryKindReadBackExactlyBothWays() throws {
        var g = RecordGenerator(seed: 0x5EC0_2D5)
        var kinds: [String: Int] = [:]
        var fastSteps = 0
        // Every registered kind in turn, step records three times as often (they are most of a run file).
        let order = RunEvent.recordTypes.map { $0.kind } + [StepMetrics.kind, StepMetrics.kind]
        for i in 0..<4000 {
            guard let event = g.event(kind: order[i % order.count]) else {
                Issue.record("the generator makes no \(order[i % order.count]) record: add it to RecordGenerator.event(kind:)")
                continue
            }
            #expect(event.kind == order[i % order.count])
            kinds[event.kind, default: 0] += 1
            let line = RunFileCodec.encode(event)
            let bytes = Array(line.utf8)
            let slow = try RunFileCodec.slowDecode(Data(bytes))
            let viaReader = try bytes.withUnsafeBufferPointer { try RunFileCodec.decode(bytes: $0) }
            #expect(RunFileCodec.encode(slow) == line, "JSON decoder: \(line.prefix(120))")
            #expect(RunFileCodec.encode(viaReader) == line, "reader: \(line.prefix(120))")
            if case .step(let m) = event {
                let fast = bytes.withUnsafeBufferPointer { FastStepParser.parse($0) }
                if m.gan == nil {   // VAE-GAN steps are the decoder's; every other step record is the fast path's
                    let f = try #require(fast, "fast path refused \(line.prefix(120))")
                    #expect(RunFileCodec.encode(.step(f)) == line)
                    fastSteps += 1
                } else {
                    #expect(fast == nil)
                }
            }
            if !event.hasNaN { #expect(slow == event && viaReader == event) }
        }
        #expect(kinds.count == RunEvent.recordTypes.count, "every record kind: \(kinds.keys.sorted())")
        #expect(fastSteps > 300)
    }

    /// Each optional field of the step record, alone present and alone absent, on both paths.
    @Test func everyOptionalStepFieldPresentAndAbsent() throws {
        var g = RecordGenerator(seed: 7)
        let optional = StepMetrics.fields.filter(\.isOptional)
        #expect(optional.map(\.key).sorted() == ["capacity", "gan", "klObjective", "klObjectiveDims", "momentum"])
        for f in optional {
            for present in [false, true] {
                var m = g.step(allOptionals: !present)
                switch f.value {
                case .optionalFloat(let k): m[keyPath: k] = present ? 1.5 : nil
                case .optionalDouble(let k): m[keyPath: k] = present ? 0.25 : nil
                case .optionalFloats(let k): m[keyPath: k] = present ? [1, .nan, 3] : nil
                case .gan(let k): m[keyPath: k] = present ? g.gan() : nil
                default: Issue.record("\(f.key) is optional but not an optional kind")
                }
                let line = RunFileCodec.encode(.step(m))
                #expect(line.contains("\"\(f.key)\"") == present)
                let bytes = Array(line.utf8)
                let a = try RunFileCodec.slowDecode(Data(bytes))
                let b = try bytes.withUnsafeBufferPointer { try RunFileCodec.decode(bytes: $0) }
                #expect(RunFileCodec.encode(a) == line && RunFileCodec.encode(b) == line)
            }
        }
    }

    /// A required field left out is refused on both paths, naming the field.
    @Test func everyRequiredStepFieldIsRequired() throws {
        var g = RecordGenerator(seed: 9)
        let line = RunFileCodec.encode(.step(g.step(allOptionals: false)))
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        for f in StepMetrics.fields where !f.isOptional {
            var o = object
            o[f.key] = nil
            let text = String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]), as: UTF8.self)
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBufferPointer { FastStepParser.parse($0) } == nil)
            #expect(throws: RunFileError.invalidRecord("missing field '\(f.key)'")) { try RunFileCodec.slowDecode(Data(bytes)) }
        }
    }
}

extension RunEvent {
    /// Whether any number in the record is NaN (then `==` cannot hold, the re-encoded line can).
    var hasNaN: Bool { RunFileCodec.encode(self).contains("\"nan\"") }
}

/// Random records for the round-trip tests.
struct RecordGenerator {
    var rng: SeededRandom
    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func int(_ r: ClosedRange<Int>) -> Int { r.lowerBound + Int(rng.next() % UInt64(r.count)) }
    mutating func coin() -> Bool { rng.next() & 1 == 1 }
    /// A double: mostly ordinary, sometimes tiny, huge, negative zero or non-finite.
    mutating func double() -> Double {
        switch int(0...19) {
        case 0: return .nan
        case 1: return .infinity
        case 2: return -.infinity
        case 3: return -0.0
        case 4: return Double(bitPattern: 0x0010_0000_0000_0000 | (rng.next() & 0xFFFF))   // near the smallest normal
        case 5: return Double(int(-1_000_000...1_000_000)) * 1e290
        default: return Double(Int64(bitPattern: rng.next() >> 11)) / Double(1 << 40) * (coin() ? 1 : 1e-9)
        }
    }
    mutating func float() -> Float {
        let d = double()
        return d.isFinite && abs(d) > Double(Float.greatestFiniteMagnitude) ? Float(d.sign == .minus ? -1e38 : 1e38) : Float(d)
    }
    mutating func floats() -> [Float] { (0..<int(0...40)).map { _ in float() } }
    mutating func maybe<T>(_ make: (inout Self) -> T) -> T? { coin() ? make(&self) : nil }
    mutating func text() -> String { ["", "a", "lr 1e-3 → 2e-3", "quote \" and \\ back", "tab\tnewline\n", "ünïcødé ✓", "{\"kind\":\"step\"}"][int(0...6)] }

    mutating func gan() -> GANStepMetrics {
        GANStepMetrics(encoderLoss: float(), decoderLoss: float(), discriminatorLoss: float(), featureRecon: float(), dReal: float(),
                       dFake: float(), dPrior: float(), gradNormEncoder: float(), gradNormDecoder: float(), gradNormDiscriminator: float(),
                       discriminatorUpdated: coin(), decoderUpdated: coin(), gamma: double(), discriminatorLR: double())
    }

    /// A step record; `allOptionals` nil: each optional field present at random.
    mutating func step(allOptionals: Bool? = nil) -> StepMetrics {
        func opt<T>(_ g: inout Self, _ make: (inout Self) -> T) -> T? {
            if let all = allOptionals { return all ? make(&g) : nil }
            return g.maybe(make)
        }
        var m = StepMetrics(step: int(0...RunEvent.maxStep), epoch: int(0...1_000_000), loss: float(), recon: float(), kl: float(),
                            klDims: floats(), klObjective: opt(&self) { $0.float() }, beta: double(), lr: double(),
                            momentum: opt(&self) { $0.double() }, freeBits: double(), gradNorm: float(), gradNormClipped: float(),
                            clipCoef: float(), layerGradNorms: floats(), batchSize: int(0...(1 << 24)), samplesPerSecond: float(),
                            time: Double(int(0...1_000_000_000)) / 1000)
        m.klObjectiveDims = opt(&self) { $0.floats() }
        m.capacity = opt(&self) { $0.double() }
        m.gan = allOptionals == nil ? (int(0...7) == 0 ? gan() : nil) : (allOptionals! ? gan() : nil)
        return m
    }

    /// A random record of `kind` (nil: a kind this generator does not know yet).
    mutating func event(kind: String) -> RunEvent? {
        let step = int(0...RunEvent.maxStep)
        switch kind {
        case RunHeader.kind:
            var c = RunConfig()
            c.latent = int(1...64); c.seed = UInt64(int(0...1_000_000)); c.batchSize = int(1...512)
            return .header(RunHeader(name: text(), created: "2026-11-28T04:00:00Z", config: c, layers: (0..<int(0...5)).map { "l\($0)" },
                                     parameters: int(0...1_000_000), trainImages: int(0...60_000), testImages: int(0...10_000),
                                     stepsPerEpoch: int(0...1000), parent: maybe { RunParent(run: $0.text(), step: $0.int(0...RunEvent.maxStep)) }))
        case StepMetrics.kind: return .step(self.step())
        case EvalMetrics.kind:
            let n = int(0...40)
            return .eval(EvalMetrics(step: step, epoch: int(0...1000), loss: float(), recon: float(), kl: float(), klDims: (0..<n).map { _ in float() },
                                     meanVariance: (0..<n).map { _ in float() }, activeUnits: int(0...n), collapsed: (0..<n).filter { _ in coin() },
                                     images: int(0...10_000)))
        case ParameterChange.kind:
            let p = Hyperparameter.allCases[int(0...(Hyperparameter.allCases.count - 1))]
            return .change(ParameterChange(step: step, parameter: p, old: maybe { $0.double() }, new: nil, source: text(),
                                           rule: maybe { $0.text() }, reason: maybe { $0.text() }))
        case SkippedStep.kind: return .skipped(SkippedStep(step: step, epoch: int(0...1000), reason: text()))
        case Alert.kind:
            return .alert(Alert(step: step, level: [.info, .warning, .error][int(0...2)], message: text(),
                                guardTrigger: maybe { $0.coin() ? "spike" : "diverge" }, guardFiring: maybe { $0.int(1...1000) }))
        case BatchSkip.kind:
            return .skip(BatchSkip(step: step, epoch: int(0...1000), batches: int(1...100_000), images: int(0...1_000_000), rule: text(), reason: text()))
        case CheckpointRecord.kind: return .checkpoint(CheckpointRecord(step: step, path: text()))
        case StateChange.kind: return .state(StateChange(step: step, state: [.running, .paused, .finished, .stopped, .diverged][int(0...4)], reason: text()))
        case RewindRecord.kind: return .rewind(RewindRecord(step: step, to: int(0...step), branch: int(1...1000), reason: [.undo, .rewind, .guardRule][int(0...2)], detail: text()))
        case SnapshotsRecord.kind:
            let points = (0..<int(0...40)).map { _ in int(0...RunEvent.maxStep) }.sorted()
            return .snapshots(SnapshotsRecord(step: step, points: points, bytes: int(0...1 << 40), budget: int(0...1 << 40)))
        case ImageRecord.kind:
            let rows = int(1...8), cols = int(1...8)
            func imgs(_ g: inout Self) -> [[UInt8]] { (0..<g.int(0...3)).map { _ in (0..<(rows * cols)).map { _ in UInt8(g.int(0...255)) } } }
            return .images(ImageRecord(step: step, rows: rows, cols: cols, originals: imgs(&self), reconstructions: imgs(&self), samples: imgs(&self)))
        case RangeTestRecord.kind:
            let n = int(0...30)
            var r = RangeTestRecord(step: step, mode: coin() ? "exponential" : "linear", start: double(), end: double(), steps: int(0...1000),
                                    lrs: (0..<n).map { _ in double() }, losses: (0..<n).map { _ in double() }, smoothed: (0..<n).map { _ in double() },
                                    finished: coin(), diverged: coin())
            r.steepest = maybe { $0.double() }; r.valley = maybe { $0.double() }; r.cyclicBase = maybe { $0.double() }
            r.applied = maybe { $0.coin() ? .onecycle : .cyclic }
            return .rangeTest(r)
        case CommandOutcome.kind:
            let result = [CommandOutcome.Result.applied, .refused, .unsupported][int(0...2)]
            return .outcome(CommandOutcome(step: step, id: maybe { $0.int(0...1_000_000) }, command: maybe { _ in "set" },
                                           parameter: maybe { _ in "lr" }, outcome: result, from: maybe { $0.int(0...RunEvent.maxStep) },
                                           reason: result == .applied ? maybe { $0.text() } : "why \(int(0...9))"))
        case PlanRecord.kind:
            return .plan(PlanRecord(step: step, lr: (0..<int(0...40)).map { _ in Double(int(0...1_000_000)) / 1e7 }))
        case RunSummary.kind:
            return .end(RunSummary(step: step, epoch: int(0...1000), reason: coin() ? RunSummary.Reason.known[int(0...5)] : .other(text()),
                                   testLoss: maybe { $0.float() }, activeUnits: maybe { $0.int(0...64) },
                                   samplesPerSecond: double(), seconds: Double(int(0...1_000_000))))
        default: return nil
        }
    }
}
