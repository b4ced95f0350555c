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
    /// Every field of the branch's steps (as `RunView.columns`).
    public var columns: StepColumns
    /// Its smoothed loss, recon, KL and gradient norms (as the live chart drew them).
    public var smoothed: Smoothed
    public var evalSteps: [Double]
    public var evalLoss: [Double]
    /// Changes made on the branch after the fork.
    public var changes: [ParameterChange]

    public var steps: [Double] { columns.numbers[StepColumns.stepField] }
    public var klDims: [[Float]] { columns.vectors[StepColumns.klDimsField] }
    public subscript(_ s: StepSeries) -> [Double] { columns[s] }
}
