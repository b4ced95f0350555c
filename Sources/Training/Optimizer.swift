import Runs
import TensorCore

/// Hyperparameters in force for one optimizer step (they may change between steps).
public struct StepHyperparameters: Sendable, Equatable {
    public var lr: Double
    /// Adam β1, or SGD momentum.
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var weightDecay: Double

    public init(lr: Double, beta1: Double, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0) {
        self.lr = lr; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
    }
}

/// A first-order optimizer over one flat Float32 parameter buffer (non-generic so the hot loop is specialised).
public protocol Optimizer: AnyObject {
    /// Steps taken so far (PyTorch's `state['step']`).
    var stepCount: Int { get set }
    /// The per-parameter state buffers, in a fixed order (for checkpoints), named by `stateBufferNames`.
    var stateBuffers: [Buffer<Float>] { get }
    /// The names of `stateBuffers` in a checkpoint (PyTorch's `state` keys where it has them).
    static var stateBufferNames: [String] { get }
    /// Its counters in a checkpoint: the step count, and SGD's whether the momentum buffer exists.
    var counters: OptimizerCounters { get set }
    /// Updates `p` in place from the gradient `g` (which it may modify).
    func step(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, count: Int, _ h: StepHyperparameters)
}

extension Optimizer {
    public var counters: OptimizerCounters {
        get { OptimizerCounters(steps: stepCount) }
        set { stepCount = newValue.steps }
    }

    /// Its state buffers named `owner.name` (`vae.m`, `encoder.momentum`).
    func namedStateBuffers(_ owner: String) -> [(String, Buffer<Float>)] {
        zip(Self.stateBufferNames, stateBuffers).map { ("\(owner).\($0)", $1) }
    }
}

/// Builds the optimizer a config names.
public enum OptimizerFactory {
    /// The names of the state buffers of the optimizer `c` builds.
    static func stateBufferNames(_ c: OptimizerConfig) -> [String] {
        switch c.kind {
        case .sgd: SGD.stateBufferNames
        case .adam, .adamw: Adam.stateBufferNames
        case .radam: RAdam.stateBufferNames
        }
    }

    /// A new optimizer for `count` parameters.
    public static func make(_ c: OptimizerConfig, count: Int) -> any Optimizer {
        switch c.kind {
        case .sgd: return SGD(count: count, dampening: c.dampening, nesterov: c.nesterov)
        case .adam: return Adam(count: count, amsgrad: c.amsgrad, decoupled: false)
        case .adamw: return Adam(count: count, amsgrad: c.amsgrad, decoupled: true)
        case .radam: return RAdam(count: count, decoupled: c.decoupledWeightDecay)
        }
    }
}

/// Weight decay of the Adam family: L2 (g ← g + λθ) or decoupled (θ ← θ(1 − γλ), AdamW).
enum WeightDecay {
    @inline(__always)
    static func apply(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ lo: Int, _ hi: Int,
                      lambda: Double, lr: Double, decoupled: Bool) {
        guard lambda != 0 else { return }
        if decoupled {
            let decay = Float(1 - lr * lambda)
            for i in lo..<hi { p[i] *= decay }
        } else {
            let wd = Float(lambda)
            for i in lo..<hi { g[i] += wd * p[i] }
        }
    }
}

/// The Adam-family moment updates m ← m + (g − m)(1 − β1) (torch's lerp) and v ← β2·v + (1 − β2)·g², with
/// 1 − β formed in Double and rounded once, as torch does with Python floats.
struct Moments {
    let ob1: Float, b2: Float, ob2: Float
    let vob1: V8, vb2: V8, vob2: V8

    init(_ h: StepHyperparameters) {
        ob1 = Float(1 - h.beta1); b2 = Float(h.beta2); ob2 = Float(1 - h.beta2)
        vob1 = V8(repeating: ob1); vb2 = V8(repeating: b2); vob2 = V8(repeating: ob2)
    }

    /// Updates eight elements from i and returns the new (m, v).
    @inline(__always)
    func update(_ g: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ i: Int) -> (V8, V8) {
        let gi = V8.load(g + i)
        var mi = V8.load(m + i), vi = V8.load(v + i)
        mi += (gi - mi) * vob1
        vi = vi * vb2 + vob2 * gi * gi
        mi.store(m + i); vi.store(v + i)
        return (mi, vi)
    }

    /// Updates element i and returns the new (m, v).
    @inline(__always)
    func update1(_ g: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ i: Int) -> (Float, Float) {
        let gi = g[i]
        m[i] += (gi - m[i]) * ob1
        v[i] = v[i] * b2 + ob2 * gi * gi
        return (m[i], v[i])
    }
}
