import TensorCore

/// torch.optim.SGD: g ← g + λθ; with momentum μ: b ← g at step 1, else b ← μb + (1 − τ)g;
/// Nesterov g ← g + μb, otherwise g ← b; θ ← θ − γg. Defaults: momentum 0, dampening 0, nesterov false.
public final class SGD: Optimizer {
    public typealias Scalar = Float
    public var stepCount = 0
    public let dampening: Double
    public let nesterov: Bool
    /// Momentum buffer b.
    public let buffer: Buffer<Float>
    public var stateBuffers: [Buffer<Float>] { [buffer] }
    public static let stateBufferNames = ["momentum"]
    /// Whether the buffer has been initialised (PyTorch creates it on the first step with momentum).
    public var hasBuffer = false
    public var counters: OptimizerCounters {
        get { OptimizerCounters(steps: stepCount, hasBuffer: hasBuffer) }
        set { stepCount = newValue.steps; hasBuffer = newValue.hasBuffer ?? false }
    }

    /// The momentum μ arrives with every step (`StepHyperparameters.beta1`), so it can be cycled and changed live.
    public init(count: Int, dampening: Double = 0, nesterov: Bool = false) {
        self.dampening = dampening; self.nesterov = nesterov
        buffer = Buffer(count: count)
    }


    public func step(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, count: Int, _ h: StepHyperparameters) {
        stepCount += 1
        let lr = Float(h.lr), wd = Float(h.weightDecay), mu = Float(h.beta1), damp = Float(1 - dampening)
        let b = buffer.base
        let first = !hasBuffer
        if h.beta1 != 0 { hasBuffer = true }
        let nesterov = self.nesterov
        Parallel.chunks(count) { lo, hi in
            if wd != 0 { for i in lo..<hi { g[i] += wd * p[i] } }
            if mu != 0 {
                if first {
                    for i in lo..<hi { b[i] = g[i] }
                } else {
                    for i in lo..<hi { b[i] = mu * b[i] + damp * g[i] }
                }
                if nesterov {
                    for i in lo..<hi { g[i] += mu * b[i] }
                } else {
                    for i in lo..<hi { g[i] = b[i] }
                }
            }
            for i in lo..<hi { p[i] -= lr * g[i] }
        }
    }
}
