/// An optimizer's counters in a checkpoint (format 3), beside its named state buffers.
public struct OptimizerCounters: Codable, Sendable, Equatable {
    /// Steps taken (PyTorch's `state['step']`).
    public var steps: Int
    /// SGD: whether the momentum buffer exists yet (PyTorch creates it on the first step with momentum); nil for
    /// the others.
    public var hasBuffer: Bool?

    public init(steps: Int, hasBuffer: Bool? = nil) { self.steps = steps; self.hasBuffer = hasBuffer }
}
