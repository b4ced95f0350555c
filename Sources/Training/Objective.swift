/// What the training objective weighs in one step: ELBO = reconstruction + β·KL, with free bits (Kingma et al.
/// 2016: each dimension's KL counts as at least λ) or capacity annealing (Burgess et al. 2018: γ·|KL − C|, where
/// `beta` is γ) in force.
public struct Objective: Sendable, Equatable {
    /// β (γ under capacity annealing).
    public var beta: Double
    /// Free-bits λ in nats per dimension (0: off).
    public var freeBits: Double
    /// The target capacity C in nats (nil: not capacity annealing).
    public var capacity: Double?

    public init(beta: Double, freeBits: Double = 0, capacity: Double? = nil) {
        self.beta = beta; self.freeBits = freeBits; self.capacity = capacity
    }
}
