import Foundation

/// Encodes a run event as one JSON object with a `kind` field next to the record's own fields.
extension RunEvent: Codable {
    private enum KindKey: String, CodingKey { case kind }

    public init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decode(String.self, forKey: .kind)
        switch kind {
        case "header": self = .header(try RunHeader(from: decoder))
        case "step": self = .step(try StepMetrics(from: decoder))
        case "eval": self = .eval(try EvalMetrics(from: decoder))
        case "change": self = .change(try ParameterChange(from: decoder))
        case "skipped": self = .skipped(try SkippedStep(from: decoder))
        case "alert": self = .alert(try Alert(from: decoder))
        case "checkpoint": self = .checkpoint(try CheckpointRecord(from: decoder))
        case "state": self = .state(try StateChange(from: decoder))
        case "images": self = .images(try ImageRecord(from: decoder))
        case "range_test": self = .rangeTest(try RangeTestRecord(from: decoder))
        case "end": self = .end(try RunSummary(from: decoder))
        case "rewind": self = .rewind(try RewindRecord(from: decoder))
        case "snapshots": self = .snapshots(try SnapshotsRecord(from: decoder))
        case "outcome": self = .outcome(try CommandOutcome(from: decoder))
        case "plan": self = .plan(try PlanRecord(from: decoder))
        default: throw RunFileError.unknownKind(kind)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var k = encoder.container(keyedBy: KindKey.self)
        try k.encode(kind, forKey: .kind)
        switch self {
        case .header(let v): try v.encode(to: encoder)
        case .step(let v): try v.encode(to: encoder)
        case .eval(let v): try v.encode(to: encoder)
        case .change(let v): try v.encode(to: encoder)
        case .skipped(let v): try v.encode(to: encoder)
        case .alert(let v): try v.encode(to: encoder)
        case .checkpoint(let v): try v.encode(to: encoder)
        case .state(let v): try v.encode(to: encoder)
        case .images(let v): try v.encode(to: encoder)
        case .rangeTest(let v): try v.encode(to: encoder)
        case .end(let v): try v.encode(to: encoder)
        case .rewind(let v): try v.encode(to: encoder)
        case .snapshots(let v): try v.encode(to: encoder)
        case .outcome(let v): try v.encode(to: encoder)
        case .plan(let v): try v.encode(to: encoder)
        }
    }
}
