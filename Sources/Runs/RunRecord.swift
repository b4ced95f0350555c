/// A record type of the run file. Each declares its `kind` once; `RunEvent.kind`, the run file's decoding and
/// encoding, `vaetop schema` and the round-trip test's coverage derive from `RunEvent.recordTypes`. Its checks and
/// its text cut have defaults, so a new kind is its own file, a case and a registry line in `RunEvent.swift`, and
/// its use.
public protocol RunRecord: Codable, Sendable {
    /// The record's `kind` field in the run file.
    static var kind: String { get }
    /// The event carrying this record.
    var event: RunEvent { get }
    /// The step the record belongs to (0 for the header).
    var step: Int { get }
    /// nil when the record is usable; else what is wrong, naming the field (`RunEvent+Validation`: by default, the
    /// step is in range).
    func problem() -> String?
    /// The record with every text field longer than `limit` characters cut to `limit` (the last one "…"); nil when
    /// none is (no copy). `RunRecord+TextCut`: by default, every string of its JSON.
    func cuttingTexts(limit: Int) -> Self?
}

extension RunHeader: RunRecord {
    public static let kind = "header"
    public var event: RunEvent { .header(self) }
    public var step: Int { 0 }
}
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
extension BatchSkip: RunRecord { public static let kind = "skip"; public var event: RunEvent { .skip(self) } }
extension PlanRecord: RunRecord { public static let kind = "plan"; public var event: RunEvent { .plan(self) } }
