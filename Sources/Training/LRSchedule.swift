import Foundation
import Runs

/// The learning rate (and cycled β1/momentum) as a function of the number of completed steps t,
/// reproducing torch.optim.lr_scheduler's closed forms; `lr(at: t)` is the lr of optimizer step t + 1.
public struct LRSchedule: Sendable, Equatable {
    public let config: LRScheduleConfig
    /// The optimizer's initial lr (PyTorch's base_lr / initial_lr).
    public let baseLR: Double
    /// Steps of the whole run (for cosine T_max = 0 and one-cycle total_steps = 0).
    public let totalSteps: Int
    /// The optimizer's configured β1 or momentum (used when nothing cycles it).
    public let baseMomentumValue: Double

    public init(_ config: LRScheduleConfig, baseLR: Double, totalSteps: Int, momentum: Double) {
        self.config = config; self.baseLR = baseLR; self.totalSteps = max(1, totalSteps); self.baseMomentumValue = momentum
    }

    /// Whether this schedule cycles β1/momentum.
    public var cyclesMomentum: Bool { config.cycleMomentum && (config.kind == .cyclic || config.kind == .onecycle) }

    /// Learning rate of optimizer step t + 1 (t = completed steps).
    public func lr(at t: Int) -> Double {
        let w = config.warmupSteps
        if w > 0 && t < w {
            // LinearLR(start_factor, end_factor = 1, total_iters = w): base·(s + (1 − s)·t/w).
            let s = config.warmupStartFactor
            return scheduled(0) * (s + (1 - s) * Double(t) / Double(w))
        }
        // SequentialLR hands over at the milestone: the main schedule restarts from its own step 0.
        return scheduled(t - w)
    }

    /// β1 / momentum of optimizer step t + 1 when cycled, otherwise the configured value.
    public func momentum(at t: Int) -> Double {
        guard cyclesMomentum else { return baseMomentumValue }
        let u = max(0, t - config.warmupSteps)
        switch config.kind {
        case .cyclic:
            let (lo, hi) = (config.baseMomentum ?? 0.8, config.maxMomentum ?? 0.9)
            let (sf, scale) = cyclicPosition(u)
            return hi - (hi - lo) * sf * scale
        case .onecycle:
            return oneCycle(u).momentum
        default:
            return baseMomentumValue
        }
    }

    /// The main schedule at its own step u.
    private func scheduled(_ u: Int) -> Double {
        let c = config
        switch c.kind {
        case .constant:
            return baseLR
        case .step:
            // StepLR: base·γ^⌊u / step_size⌋.
            return baseLR * pow(c.gamma, Double(u / max(1, c.stepSize)))
        case .multistep:
            // MultiStepLR: base·γ^(number of milestones ≤ u).
            return baseLR * pow(c.gamma, Double(c.milestones.filter { $0 <= u }.count))
        case .exponential:
            // ExponentialLR: base·γ^u.
            return baseLR * pow(c.gamma, Double(u))
        case .cosine:
            // CosineAnnealingLR closed form: η_min + (base − η_min)(1 + cos(πu/T_max))/2. Past T_max the cosine
            // continues, as PyTorch's recursive form does: the lr climbs back to base at 2·T_max (period 2·T_max).
            let tMax = Double(c.tMax > 0 ? c.tMax : totalSteps - c.warmupSteps)
            return c.etaMin + (baseLR - c.etaMin) * (1 + cos(Double.pi * Double(u) / max(1, tMax))) / 2
        case .cosineRestarts:
            // CosineAnnealingWarmRestarts: T_i = T_0·T_mult^n, T_cur = u − Σ previous periods.
            var ti = max(1, c.t0), tcur = u
            while tcur >= ti { tcur -= ti; ti *= max(1, c.tMult) }
            return c.etaMin + (baseLR - c.etaMin) * (1 + cos(Double.pi * Double(tcur) / Double(ti))) / 2
        case .cyclic:
            let lo = c.baseLR ?? baseLR, hi = c.maxLR ?? baseLR * 10
            let (sf, scale) = cyclicPosition(u)
            return lo + (hi - lo) * sf * scale
        case .onecycle:
            return oneCycle(u).lr
        }
    }

    /// CyclicLR: cycle = ⌊1 + u/total⌋, x = 1 + u/total − cycle; scale factor x/r while x ≤ r else (x − 1)/(r − 1),
    /// with r = step_size_up/total. Returns (scale factor, mode scale: 1 | 1/2^(cycle−1) | γ^u).
    private func cyclicPosition(_ u: Int) -> (Double, Double) {
        let up = Double(max(1, config.stepSizeUp)), down = Double(max(1, config.stepSizeDown ?? config.stepSizeUp))
        let total = up + down, ratio = up / total
        let cycle = floor(1 + Double(u) / total)
        let x = 1 + Double(u) / total - cycle
        let sf = x <= ratio ? x / ratio : (x - 1) / (ratio - 1)
        let scale: Double
        switch config.mode {
        case .triangular: scale = 1
        case .triangular2: scale = 1 / pow(2, cycle - 1)
        case .expRange: scale = pow(config.gamma, Double(u))
        }
        return (sf, scale)
    }

    /// OneCycleLR's phases with float end steps pct·total − 1 (and 2·pct·total − 2 for three phases).
    private func oneCycle(_ u: Int) -> (lr: Double, momentum: Double) {
        let c = config
        let total = Double(c.totalSteps > 0 ? c.totalSteps : totalSteps - c.warmupSteps)
        let maxLR = c.maxLR ?? baseLR * 10
        let initial = maxLR / c.divFactor, minLR = initial / c.finalDivFactor
        let (mLo, mHi) = (c.baseMomentum ?? 0.85, c.maxMomentum ?? 0.95)
        let phases: [(end: Double, lr: (Double, Double), m: (Double, Double))]
        if c.threePhase {
            phases = [(c.pctStart * total - 1, (initial, maxLR), (mHi, mLo)),
                      (2 * c.pctStart * total - 2, (maxLR, initial), (mLo, mHi)),
                      (total - 1, (initial, minLR), (mHi, mHi))]
        } else {
            phases = [(c.pctStart * total - 1, (initial, maxLR), (mHi, mLo)),
                      (total - 1, (maxLR, minLR), (mLo, mHi))]
        }
        // Past total_steps PyTorch raises; vaetop holds the final value.
        let step = min(Double(u), total - 1)
        var start = 0.0
        for (i, ph) in phases.enumerated() {
            if step <= ph.end || i == phases.count - 1 {
                let pct = (step - start) / (ph.end - start)
                return (anneal(ph.lr.0, ph.lr.1, pct), anneal(ph.m.0, ph.m.1, pct))
            }
            start = ph.end
        }
        return (minLR, mHi)
    }

    /// cos: end + (start − end)/2·(1 + cos(π·pct)); linear: start + (end − start)·pct.
    private func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch config.anneal {
        case .cos: return end + (start - end) / 2 * (cos(Double.pi * pct) + 1)
        case .linear: return (end - start) * pct + start
        }
    }
}
