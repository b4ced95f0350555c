/// A record type of the run file. Each declares its `kind` once; `RunEvent.kind`, the run file's decoding and
/// encoding, `vaetop schema` and the round-trip test's coverage derive from `RunEvent.recordTypes`.
public protocol RunRecord: Codable, Sendable {
    /// The record's `kind` field in the run file.
    static var kind: String { get }
    /// The event carrying this record.
    var event: RunEvent { get }
}

extension RunHeader: RunRecord { public static let kind = "header"; public var event: RunEvent { .header(self) } }
extension StepMetrics: RunRecord { public static let kind = "step"; public var event: RunEvent { .step(self) } }
extension EvalMetrics: RunRecord { public static let kind = "eval"; public var event: RunEvent { .eval(self) } }
extension ParameterChange: RunRecord { public static let kind = "change"; public var event: RunEvent { .change(self) } }
extension SkippedStep: RunRecord { public static let kind = "skipped"; public var event: RunEvent { .skipped(self) } }
extension Alert: RunRecord { public static let kind = "alert"; public var event: RunEvent { .alert(self) } }
extension CheckpointRecord: RunRecord { public static let kind = "checkpoint"; public var event: RunEvent { .checkpoint(self) } }
extension StateChange: RunRecord { public static let kind = "state"; public var event: RunEvent { .state(self) } }
extension ImageRecord: RunRecord { public static let kind = "images"; public var event: RunEvent { .images(self) } }
extension RangeTestRecord: RunRecord { public static let kind = "range_test"; public var event: RunEvent { .rangeTest(self) } }
extension RunSummary: RunRecord { public static let kind = "end"; public var event: RunEvent { .end(self) } }
extension RewindRecord: RunRecord { public static let kind = "rewind"; public var event: RunEvent { .rewind(self) } }
extension SnapshotsRecord: RunRecord { public static let kind = "snapshots"; public var event: RunEvent { .snapshots(self) } }
extension CommandOutcome: RunRecord { public static let kind = "outcome"; public var event: RunEvent { .outcome(self) } }
extension PlanRecord: RunRecord { public static let kind = "plan"; public var event: RunEvent { .plan(self) } }

extension RunEvent {
    /// Every record type: the registry of kinds.
    public static let recordTypes: [any RunRecord.Type] = [
        RunHeader.self, StepMetrics.self, EvalMetrics.self, ParameterChange.self, SkippedStep.self, Alert.self, CheckpointRecord.self,
        StateChange.self, ImageRecord.self, RangeTestRecord.self, RunSummary.self, RewindRecord.self, SnapshotsRecord.self,
        CommandOutcome.self, PlanRecord.self,
    ]

    /// The record type of each kind, for decoding.
    static let recordTypeByKind: [String: any RunRecord.Type] = Dictionary(uniqueKeysWithValues: recordTypes.map { ($0.kind, $0) })

    /// The record inside the event.
    public var record: any RunRecord {
        switch self {
        case .header(let r): return r
        case .step(let r): return r
        case .eval(let r): return r
        case .change(let r): return r
        case .skipped(let r): return r
        case .alert(let r): return r
        case .checkpoint(let r): return r
        case .state(let r): return r
        case .images(let r): return r
        case .rangeTest(let r): return r
        case .end(let r): return r
        case .rewind(let r): return r
        case .snapshots(let r): return r
        case .outcome(let r): return r
        case .plan(let r): return r
        }
    }

    /// The record's `kind` field in the run file (its type's declaration).
    public var kind: String {
        // A step record is the common case: answered without boxing it into an existential.
        if case .step = self { return StepMetrics.kind }
        return type(of: record).kind
    }
}
