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
            // Fu et al. 2019: period P = T/M; within a cycle u = (t − ⌊cP⌋)/(P·R); ramp while u < 1, then hold.
            let period = Double(totalSteps) / Double(max(1, c.cycles))
            let cycle = floor(Double(t) / period)
            let u = (Double(t) - floor(cycle * period)) / (period * c.ratio)
            if u >= 1 { return c.target }
            return c.start + (c.target - c.start) * Self.ramp(c.ramp, u)
        }
    }

    /// Capacity annealing: C(t) = C_max · min(1, t / steps) (Burgess et al. 2018, linear increase).
    public func capacity(at t: Int) -> Double? {
        guard config.kind == .capacity else { return nil }
        let steps = config.capacitySteps > 0 ? config.capacitySteps : totalSteps
        return config.capacityMax * min(1, Double(t) / Double(steps))
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
