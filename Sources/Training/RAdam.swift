import TensorCore

/// torch.optim.RAdam: m, v as Adam; m̂ = m / (1 − β1ᵗ); ρ∞ = 2/(1 − β2) − 1; ρt = ρ∞ − 2tβ2ᵗ/(1 − β2ᵗ).
/// If ρt > 5: r = √((ρt − 4)(ρt − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρt)), θ ← θ − γ·m̂·r·√(1 − β2ᵗ)/(√v + ε)
/// (ε on the uncorrected √v); else θ ← θ − γ·m̂. Weight decay as L2 (g += λθ), or decoupled θ ← θ(1 − γλ).
public final class RAdam: Optimizer {
    public typealias Scalar = Float
    public var stepCount = 0
    public let decoupled: Bool
    public let m: Buffer<Float>
    public let v: Buffer<Float>
    public var stateBuffers: [Buffer<Float>] { [m, v] }
    public static let stateBufferNames = ["m", "v"]

    public init(count: Int, decoupled: Bool = false) {
        self.decoupled = decoupled
        m = Buffer(count: count); v = Buffer(count: count)
    }

    /// ρt of step t, and whether the variance is tractable (ρt > 5).
    public static func rho(step t: Int, beta2: Double) -> (rhoT: Double, rhoInf: Double) {
        let rhoInf = 2 / (1 - beta2) - 1
        let b2t = _pow(beta2, Double(t))
        return (rhoInf - 2 * Double(t) * b2t / (1 - b2t), rhoInf)
    }


    public func step(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, count: Int, _ h: StepHyperparameters) {
        stepCount += 1
        let t = stepCount
        let bc1 = 1 - _pow(h.beta1, Double(t)), bc2 = 1 - _pow(h.beta2, Double(t))
        let (rhoT, rhoInf) = Self.rho(step: t, beta2: h.beta2)
        let rectified = rhoT > 5
        let rect = rectified ? ((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)).squareRoot() : 0
        let moments = Moments(h), eps = Float(h.eps)
        let wd = h.weightDecay, lr = h.lr
        let lrOverBc1 = Float(h.lr / bc1)
        let rectScale = Float(h.lr * rect / bc1 * bc2.squareRoot())
        let mm = m.base, vv = v.base
        Parallel.chunks(count) { lo, hi in
            WeightDecay.apply(p, g, lo, hi, lambda: wd, lr: lr, decoupled: decoupled)
            var i = lo
            let vrect = V8(repeating: rectScale), vlr = V8(repeating: lrOverBc1), veps = V8(repeating: eps)
            while i + 8 <= hi {
                let (mi, vi) = moments.update(g, mm, vv, i)
                let step = rectified ? vrect * mi / (vi.squareRoot() + veps) : vlr * mi
                (V8.load(p + i) - step).store(p + i)
                i += 8
            }
            while i < hi {
                let (mi, vi) = moments.update1(g, mm, vv, i)
                p[i] -= rectified ? rectScale * mi / (vi.squareRoot() + eps) : lrOverBc1 * mi
                i += 1
            }
        }
    }
}
