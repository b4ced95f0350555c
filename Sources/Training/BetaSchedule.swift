import Foundation
import Runs

/// The KL weight β as a function of completed steps t.
public struct BetaSchedule: Sendable, Equatable {
    public var config: BetaScheduleConfig
    /// Steps of the whole run.
    public let totalSteps: Int

    public init(_ config: BetaScheduleConfig, totalSteps: Int) {
        self.config = config; self.totalSteps = max(1, totalSteps)
    }

    /// Linear warmup length in force (0 in the config means a quarter of the run).
    public var warmupSteps: Int { config.warmupSteps > 0 ? config.warmupSteps : max(1, totalSteps / 4) }

    /// β of optimizer step t + 1 when the cyclical ramp started again at step `restart` (a guard's `restart-cycle`):
    /// one whole first cycle from there (ramp, then the target), then the schedule's own cycles again.
    public func beta(at t: Int, restartedAt restart: Int?) -> Double {
        guard let restart, config.kind == .cyclical, t >= restart else { return beta(at: t) }
        let period = Double(totalSteps) / Double(max(1, config.cycles))
        return Double(t - restart) < period ? beta(at: t - restart) : beta(at: t)
    }

    /// β of optimizer step t + 1.
    public func beta(at t: Int) -> Double {
        let c = config
        switch c.kind {
        case .constant:
            return c.target
        case .linear:
            // start + (target − start)·min(1, t/W).
            return c.start + (c.target - c.start) * min(1, Double(t) / Double(warmupSteps))
        case .capacity:
            // The KL term's weight is γ; the schedule moves the capacity C instead (see `capacity(at:)`).
            return c.capacityGamma
        case .cyclical:
            // Fu et al. 2019's frange_cycle_linear/cosine/sigmoid: period P = T/M; cycle c writes step ⌊i + cP⌋ for
            // i = 0, 1, … while v_i = start + i·(target − start)/(P·R) ≤ target (a later cycle's write wins);
            // every other step holds the target. So with a non-integer P a cycle starts at ⌊cP⌋ exactly as theirs.
            let cycles = Double(max(1, c.cycles))
            let period = Double(totalSteps) / cycles
            let tt = Double(max(0, t))
            var cycle = min(cycles - 1, max(0, ceil((tt + 1) / period) - 1))   // the last c with cP < t + 1
            while cycle > 0 && cycle * period >= tt + 1 { cycle -= 1 }
            while cycle + 1 < cycles && (cycle + 1) * period < tt + 1 { cycle += 1 }
            let i = max(0, ceil(tt - cycle * period))
            let span = period * c.ratio
            if c.rampLike == .fu { return Self.fu(c, i: Int(i), span: span) }
            guard i <= span * (1 + 1e-12) else { return c.target }
            if i > 0 && i >= span.rounded(.down) {
                // The last step of a ramp: theirs accumulates v += step, whose rounding decides whether it is
                // written (v ≤ target) or left at the target. Once per cycle, so the loop costs nothing.
                let step = (c.target - c.start) / span
                var v = c.start
                for _ in 0..<Int(i) { v += step }
                if v > c.target { return c.target }
            }
            return Self.shaped(c, min(1, i / span))
        }
    }

    /// `--beta-ramp-like fu`: Fu et al.'s frange_cycle_cosine/sigmoid, step i of a cycle's ramp. Their loop adds
    /// step = (stop − start)/(P·R) to v while v ≤ stop and writes the shape of v itself (0.5 − 0.5·cos(vπ),
    /// 1/(1 + e^−(12v − 6))), their array starting at 1: a step their loop does not write holds 1, whatever the stop
    /// (their linear ramp writes v and holds the stop). The sum is accumulated as theirs is, so each value is theirs
    /// to the bit (vaetop's rule computes start + (stop − start)·u, equal to the last digit or two).
    static func fu(_ c: BetaScheduleConfig, i: Int, span: Double) -> Double {
        let step = (c.target - c.start) / span
        var v = c.start
        for _ in 0..<i { v += step }
        guard v <= c.target else { return c.ramp == .linear ? c.target : 1 }
        switch c.ramp {
        case .linear: return v
        case .cosine: return 0.5 - 0.5 * cos(v * Double.pi)
        case .sigmoid: return 1.0 / (1.0 + exp(-(v * 12 - 6)))
        }
    }

    /// Capacity annealing: C(t) = C_max · min(1, t / steps) (Burgess et al. 2018, linear increase).
    public func capacity(at t: Int) -> Double? {
        guard config.kind == .capacity else { return nil }
        let steps = config.capacitySteps > 0 ? config.capacitySteps : totalSteps
        return config.capacityMax * min(1, Double(t) / Double(steps))
    }

    /// β at ramp position u ∈ [0, 1] of a cycle: Fu et al.'s v = start + (target − start)·u, shaped. Their cosine
    /// and sigmoid ramps shape v itself (0.5 − 0.5·cos πv, σ(12v − 6)), which equals this with the target 1. For other
    /// targets this is vaetop's own rule, not theirs: the shape is scaled, target·shape(v/target), so the ramp ends
    /// at the target and β holds it (stop 0.9: 0.8975 at the ramp's end where theirs gives 0.991, then 1);
    /// `--beta-ramp-like fu` (`fu(_:i:span:)`) gives theirs.
    static func shaped(_ c: BetaScheduleConfig, _ u: Double) -> Double {
        let v = c.start + (c.target - c.start) * u
        guard c.ramp != .linear, c.target > 0 else { return v }
        return c.target * ramp(c.ramp, v / c.target)
    }

    /// Ramp shapes on u ∈ [0, 1): linear u; cosine (1 − cos πu)/2; sigmoid 1/(1 + e^{−(12u − 6)}) as in Fu et al.'s code.
    public static func ramp(_ r: BetaScheduleConfig.Ramp, _ u: Double) -> Double {
        switch r {
        case .linear: return u
        case .cosine: return (1 - cos(Double.pi * u)) / 2
        case .sigmoid: return 1 / (1 + exp(-(12 * u - 6)))
        }
    }
}
