/// The learning rate a schedule plans for every step of the run, as a trainer in another process computes it (the
/// Python client steps a copy of its torch scheduler): the screen draws the dimmed future from it.
public struct PlanRecord: Codable, Sendable, Equatable {
    /// Steps done when it was written.
    public var step: Int
    /// The schedule's own lr at steps 1, 2, … (no user change applied: the screen scales it to the lr in force).
    public var lr: [Double]
    public init(step: Int, lr: [Double]) { self.step = step; self.lr = lr }
}
