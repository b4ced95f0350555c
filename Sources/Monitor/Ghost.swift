import Runs

/// A branch the run left at a rewind: its steps after the fork point, drawn dimmed behind the live lines.
public struct Ghost: Sendable {
    /// The branch these steps belonged to (0: the run as it started).
    public var branch: Int
    /// The step the run went back to (the ghost starts right after it).
    public var fork: Int
    /// Steps completed on this branch when it was left.
    public var left: Int
    /// What the rewind said ("undo lr 0.001 → 10 (step 500)").
    public var detail: String
    public var steps: [Double]
    /// The branch's values per `StepSeries` (same layout as `RunView.series`).
    public var series: [[Double]]
    /// Its smoothed loss, recon, KL and gradient norms (as the live chart drew them).
    public var smoothed: Smoothed
    public var klDims: [[Float]]
    public var evalSteps: [Double]
    public var evalLoss: [Double]
    /// Changes made on the branch after the fork.
    public var changes: [ParameterChange]

    public subscript(_ s: StepSeries) -> [Double] { series[s.rawValue] }
}
