import TensorCore

/// torch.optim.RAdam: m, v as Adam; m̂ = m / (1 − β1ᵗ); ρ∞ = 2/(1 − β2) − 1; ρt = ρ∞ − 2tβ2ᵗ/(1 − β2ᵗ).
/// If ρt > 5: r = √((ρt − 4)(ρt − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρt)), θ ← θ − γ·m̂·r·√(1 − β2ᵗ)/(√v + ε)
/// (ε on the uncorrected √v); else θ ← θ − γ·m̂. Weight decay as L2 (g += λθ), or decoupled θ ← θ(1 − γλ).
public final class RAdam<T: Real>: Optimizer {
    public var stepCount = 0
    public let decoupled: Bool
    public let m: Buffer<T>
    public let v: Buffer<T>
    public var stateBuffers: [Buffer<T>] { [m, v] }

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

    public func step(_ p: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>, count: Int, _ h: StepHyperparameters) {
        stepCount += 1
        let t = stepCount
        let bc1 = 1 - _pow(h.beta1, Double(t)), bc2 = 1 - _pow(h.beta2, Double(t))
        let (rhoT, rhoInf) = Self.rho(step: t, beta2: h.beta2)
        let rectified = rhoT > 5
        let rect = rectified ? ((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)).squareRoot() : 0
        let b1 = T(h.beta1), b2 = T(h.beta2), eps = T(h.eps)
        let wd = T(h.weightDecay), decay = T(1 - h.lr * h.weightDecay)
        let lrOverBc1 = T(h.lr / bc1)
        let rectScale = T(h.lr * rect / bc1 * bc2.squareRoot())
        let mm = m.base, vv = v.base
        for i in 0..<count {
            var gi = g[i]
            if wd != 0 {
                if decoupled { p[i] *= decay } else { gi += wd * p[i] }
            }
            mm[i] += (gi - mm[i]) * (1 - b1)
            vv[i] = vv[i] * b2 + (1 - b2) * gi * gi
            if rectified {
                p[i] -= rectScale * mm[i] / (vv[i].squareRoot() + eps)
            } else {
                p[i] -= lrOverBc1 * mm[i]
            }
        }
    }
}
