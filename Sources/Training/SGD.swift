import TensorCore

/// torch.optim.SGD: g ← g + λθ; with momentum μ: b ← g at step 1, else b ← μb + (1 − τ)g;
/// Nesterov g ← g + μb, otherwise g ← b; θ ← θ − γg. Defaults: momentum 0, dampening 0, nesterov false.
public final class SGD<T: Real>: Optimizer {
    public var stepCount = 0
    public let dampening: Double
    public let nesterov: Bool
    /// Momentum buffer b.
    public let buffer: Buffer<T>
    public var stateBuffers: [Buffer<T>] { [buffer] }
    /// Whether the buffer has been initialised (PyTorch creates it on the first step with momentum).
    public var hasBuffer = false

    public init(count: Int, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false) {
        self.dampening = dampening; self.nesterov = nesterov
        buffer = Buffer(count: count)
    }

    public func step(_ p: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>, count: Int, _ h: StepHyperparameters) {
        stepCount += 1
        let lr = T(h.lr), wd = T(h.weightDecay), mu = T(h.beta1), damp = T(1 - dampening)
        let b = buffer.base
        let first = !hasBuffer
        if h.beta1 != 0 { hasBuffer = true }
        for i in 0..<count {
            var d = g[i]
            if wd != 0 { d += wd * p[i] }
            if mu != 0 {
                b[i] = first ? d : mu * b[i] + damp * d
                d = nesterov ? d + mu * b[i] : b[i]
            }
            p[i] -= lr * d
        }
    }
}
