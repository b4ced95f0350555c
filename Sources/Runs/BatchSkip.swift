/// Batches of the data order left out untrained: a guard's `skip=N` (PaLM's remedy for a loss spike: "skipped roughly
/// 200–500 data batches"). The step counter does not move; the data order does, so the run ends `batches` steps sooner.
public struct BatchSkip: Codable, Sendable, Equatable {
    /// Steps completed when the batches were left out (training goes on with step + 1).
    public var step: Int
    /// The epoch the data order is in after the skip.
    public var epoch: Int
    /// Batches and images left out (fewer than asked when the data ran out).
    public var batches: Int
    public var images: Int
    /// The rule that asked (`spike: rewind,skip=200,max=3`) and why it fired.
    public var rule: String
    public var reason: String

    public init(step: Int, epoch: Int, batches: Int, images: Int, rule: String, reason: String) {
        self.step = step; self.epoch = epoch; self.batches = batches; self.images = images; self.rule = rule; self.reason = reason
    }
}
