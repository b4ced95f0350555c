import TensorCore

/// torch.optim.Adam and AdamW (single-tensor path). With t the step:
/// AdamW first θ ← θ(1 − γλ); Adam instead g ← g + λθ. Then m ← β1·m + (1 − β1)g, v ← β2·v + (1 − β2)g²,
/// (AMSGrad: v̂ ← max(v̂, v)), θ ← θ − (γ / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε).
/// Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0 (AdamW 1e-2), amsgrad false.
public final class Adam<T: Real>: Optimizer {
    public var stepCount = 0
    public let amsgrad: Bool
    /// AdamW's decoupled weight decay.
    public let decoupled: Bool
    public let m: Buffer<T>
    public let v: Buffer<T>
    /// AMSGrad's running maximum of v (allocated only with amsgrad).
    public let vMax: Buffer<T>
    public var stateBuffers: [Buffer<T>] { [m, v, vMax] }

    public init(count: Int, amsgrad: Bool = false, decoupled: Bool = false) {
        self.amsgrad = amsgrad; self.decoupled = decoupled
        m = Buffer(count: count); v = Buffer(count: count)
        vMax = Buffer(count: amsgrad ? count : 0)
    }

    public func step(_ p: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>, count: Int, _ h: StepHyperparameters) {
        stepCount += 1
        let t = Double(stepCount)
        let bc1 = 1 - _pow(h.beta1, t), bc2 = 1 - _pow(h.beta2, t)
        let stepSize = T(h.lr / bc1), bc2Sqrt = T(bc2.squareRoot())
        let b1 = T(h.beta1), b2 = T(h.beta2), eps = T(h.eps)
        let wd = T(h.weightDecay), decay = T(1 - h.lr * h.weightDecay)
        let mm = m.base, vv = v.base, vx = vMax.base
        for i in 0..<count {
            var gi = g[i]
            if wd != 0 {
                if decoupled { p[i] *= decay } else { gi += wd * p[i] }
            }
            mm[i] += (gi - mm[i]) * (1 - b1)           // lerp, as torch's exp_avg.lerp_(grad, 1 - beta1)
            vv[i] = vv[i] * b2 + (1 - b2) * gi * gi
            var vi = vv[i]
            if amsgrad { vx[i] = max(vx[i], vi); vi = vx[i] }
            let denom = vi.squareRoot() / bc2Sqrt + eps
            p[i] -= stepSize * mm[i] / denom
        }
    }
}

import Foundation
@inline(__always) func _pow(_ a: Double, _ b: Double) -> Double { Foundation.pow(a, b) }
