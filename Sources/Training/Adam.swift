import CKernels
import Foundation
import TensorCore

/// torch.optim.Adam and AdamW (single-tensor path). With t the step:
/// AdamW first θ ← θ(1 − γλ); Adam instead g ← g + λθ. Then m ← β1·m + (1 − β1)g, v ← β2·v + (1 − β2)g²,
/// (AMSGrad: v̂ ← max(v̂, v)), θ ← θ − (γ / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε).
/// Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0 (AdamW 1e-2), amsgrad false.
public final class Adam: Optimizer {
    public typealias Scalar = Float
    public var stepCount = 0
    public let amsgrad: Bool
    /// AdamW's decoupled weight decay.
    public let decoupled: Bool
    public let m: Buffer<Float>
    public let v: Buffer<Float>
    /// AMSGrad's running maximum of v (allocated only with amsgrad).
    public let vMax: Buffer<Float>
    public var stateBuffers: [Buffer<Float>] { [m, v, vMax] }
    public static let stateBufferNames = ["m", "v", "vmax"]

    public init(count: Int, amsgrad: Bool = false, decoupled: Bool = false) {
        self.amsgrad = amsgrad; self.decoupled = decoupled
        m = Buffer(count: count); v = Buffer(count: count)
        vMax = Buffer(count: amsgrad ? count : 0)
    }


    public func step(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, count: Int, _ h: StepHyperparameters) {
        stepCount += 1
        let t = Double(stepCount)
        let bc1 = 1 - _pow(h.beta1, t), bc2 = 1 - _pow(h.beta2, t)
        let stepSize = Float(h.lr / bc1), bc2Sqrt = Float(bc2.squareRoot())
        let moments = Moments(h), eps = Float(h.eps)
        let wd = h.weightDecay, lr = h.lr
        let mm = m.base, vv = v.base, vx = vMax.base
        Parallel.chunks(count) { lo, hi in
            WeightDecay.apply(p, g, lo, hi, lambda: wd, lr: lr, decoupled: decoupled)
            if !amsgrad {
                // The same arithmetic in C, whose packed square root Swift's SIMD8 did not emit (perf: one sqrtss
                // per element and a division stalled on it, 18 % of a step).
                vaetop_adam_update(p, g, mm, vv, lo, hi, moments.ob1, moments.b2, moments.ob2, stepSize, bc2Sqrt, eps)
                return
            }
            // AMSGrad: explicit SIMD.
            var i = lo
            let vss = V8(repeating: stepSize), vbc2 = V8(repeating: bc2Sqrt), veps = V8(repeating: eps)
            while i + 8 <= hi {
                var (mi, vi) = moments.update(g, mm, vv, i)
                if amsgrad {
                    let vm = pointwiseMax(V8.load(vx + i), vi)
                    vm.store(vx + i)
                    vi = vm
                }
                let pi = V8.load(p + i) - vss * mi / (vi.squareRoot() / vbc2 + veps)
                pi.store(p + i)
                i += 8
            }
            while i < hi {
                var (mi, vi) = moments.update1(g, mm, vv, i)
                if amsgrad { vx[i] = max(vx[i], vi); vi = vx[i] }
                p[i] -= stepSize * mi / (vi.squareRoot() / bc2Sqrt + eps)
                i += 1
            }
        }
    }
}

@inline(__always) func _pow(_ a: Double, _ b: Double) -> Double { Foundation.pow(a, b) }
