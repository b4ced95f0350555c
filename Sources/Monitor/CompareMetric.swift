import Runs

/// What the loss panel of a comparison draws for every run (`n` cycles): a loss term per step, or a number each
/// evaluation gives.
public enum CompareMetric: String, CaseIterable, Sendable {
    case total, recon, kl = "KL", testLoss = "test loss", activeUnits = "active units", mi = "MI"

    /// Smaller is better (losses, KL is neither: sorted smaller first as well); AU and MI: larger is better.
    var largerIsBetter: Bool { self == .activeUnits || self == .mi }

    /// A loss term of every step (noisy, with a large first step: its chart leaves outliers out), not an evaluation's.
    var perStep: Bool { self == .total || self == .recon || self == .kl }

    /// The metric after this one (`n`).
    var next: CompareMetric { Self.allCases[(Self.allCases.firstIndex(of: self)! + 1) % Self.allCases.count] }

    /// Its history in a run: steps and values (smoothed as the single-run chart is, for the per-step terms).
    func series(_ run: RunView, smoothed: Bool) -> (xs: [Double], ys: [Double]) {
        switch self {
        case .total: return (run.steps, smoothed ? run.smoothed.loss : run.loss)
        case .recon: return (run.steps, smoothed ? run.smoothed.recon : run.recon)
        case .kl: return (run.steps, smoothed ? run.smoothed.kl : run.kl)
        case .testLoss: return (run.evalSteps, run.evalLoss)
        case .activeUnits: return (run.evalSteps, run.evalActive)
        case .mi: return (run.evalSteps, run.evalMI)
        }
    }

    /// The last finite value at or before `step` (nil: none yet, or not logged).
    func value(_ run: RunView, atMost step: Double, smoothed: Bool) -> Double? {
        let (xs, ys) = series(run, smoothed: smoothed)
        var i = min(SeriesIndex.count(xs, atMost: step), ys.count) - 1
        while i >= 0 && !ys[i].isFinite { i -= 1 }
        return i >= 0 ? ys[i] : nil
    }
}
