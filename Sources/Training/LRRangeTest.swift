import Foundation
import Runs

/// The learning-rate range test (Smith 2017; pytorch-lr-finder, fastai's lr_find): the lr grows each step from
/// `start` to `end`, the loss is smoothed, and the test stops once it diverges.
public struct LRRangeTest: Sendable, Equatable {
    /// How the lr grows.
    public enum Mode: String, Sendable, CaseIterable { case exponential, linear }
    /// Whose test it is: pytorch-lr-finder's (its grid ends at `end`, its EMA and 5× stop rule; the suggestions
    /// computed as `lr_find` would from the same losses), or fastai's `Learner.lr_find` exactly: lr
    /// start·(end/start)^(i/n) (never `end`), AvgSmoothLoss in float32 (val = torch.lerp(loss, val, 0.98), shown as
    /// val / (1 − 0.98^count)), a stop after the first smoothed loss above 4 × the best, and its valley, minimum/10
    /// and steep on its float32 curve (fastai/callback/schedule.py).
    public enum Style: String, Sendable, CaseIterable {
        case lrFinder = "lr-finder"
        case fastai
    }

    public var start: Double = 1e-7
    public var end: Double = 10
    public var steps: Int = 100
    public var mode: Mode = .exponential
    /// pytorch-lr-finder's smooth_f: smoothed = f·loss + (1 − f)·previous smoothed.
    public var smoothing: Double = 0.05
    /// Stop when the smoothed loss exceeds this many times the best smoothed loss (pytorch-lr-finder's diverge_th;
    /// fastai's is 4).
    public var divergeThreshold: Double = 5
    public var style: Style = .lrFinder

    /// Each style's own stop rule.
    public static func divergeThreshold(_ style: Style) -> Double { style == .fastai ? 4 : 5 }

    public init() {}

    /// lr of test step i (0-based): exponential start·(end/start)^(i/(n−1)), or linear start + (end − start)·i/(n−1).
    public func lr(at i: Int) -> Double {
        // fastai's SchedExp at pos = train_iter / num_it: its last lr is one step short of `end`.
        if style == .fastai { return start * pow(end / start, Double(i) / Double(steps)) }
        let r = steps > 1 ? Double(i) / Double(steps - 1) : 0
        switch mode {
        case .exponential: return start * pow(end / start, r)
        case .linear: return start + (end - start) * r
        }
    }

    /// The recorded curve and the suggestions drawn from it.
    public struct Result: Sendable, Equatable {
        public var lrs: [Double] = []
        public var losses: [Double] = []
        /// Smoothed losses, as pytorch-lr-finder records them.
        public var smoothed: [Double] = []
        /// True when the divergence rule stopped the test early.
        public var diverged = false
        public var suggestions = Suggestions()
        /// fastai style: AvgSmoothLoss's float32 state and the best smoothed loss so far.
        var fastaiVal: Float = 0
        var fastaiBest = Float.infinity

        package init() {}
    }

    /// The usual readings of a range-test curve (nil where the curve is too short).
    public struct Suggestions: Sendable, Equatable {
        /// Steepest descent of the smoothed loss (skipping the first 10 and last 5 points), pytorch-lr-finder.
        public var steepest: Double?
        /// fastai's "valley", computed as `Learner.lr_find` does: on fastai's own recorded loss (`fastaiCurve`),
        /// inside the longest decreasing subsequence, 1/3 + 1/6 of the way along.
        public var valley: Double?
        /// fastai's "minimum", on the same curve: the lr of the lowest recorded loss, divided by 10.
        public var minimumOverTen: Double?
        /// Cyclical-LR bounds (Smith): base where the loss starts to fall, max where it stops falling. Read from a
        /// centred moving average of the raw losses (window max(3, n/20)), which does not lag like the EMA.
        public var cyclicBase: Double?
        public var cyclicMax: Double?
    }

    /// Feeds raw losses one at a time; returns false once the test should stop (after recording that point).
    public func record(_ loss: Double, lr: Double, into r: inout Result) -> Bool {
        if style == .fastai { return recordLikeFastai(loss, lr: lr, into: &r) }
        let smoothed = r.smoothed.last.map { smoothing * loss + (1 - smoothing) * $0 } ?? loss
        r.lrs.append(lr); r.losses.append(loss); r.smoothed.append(smoothed)
        let best = r.smoothed.min() ?? smoothed
        if !smoothed.isFinite || smoothed > divergeThreshold * best { r.diverged = true; return false }
        return r.lrs.count < steps
    }

    /// fastai's Recorder and LRFinder on one batch: torch.lerp(loss, val, 0.98) (weight ≥ ½: val − (val − loss)·(1 − w),
    /// one fused multiply-add in float32, as torch computes it), the debiased value val / float(1 − 0.98^count), the
    /// best kept, a stop after the batch whose smoothed loss is above 4 × the best, or after `steps` batches.
    func recordLikeFastai(_ loss: Double, lr: Double, into r: inout Result) -> Bool {
        let oneMinusWeight: Float = 1 - Float(0.98)
        r.fastaiVal = r.fastaiVal.addingProduct(-(r.fastaiVal - Float(loss)), oneMinusWeight)
        let count = r.lrs.count + 1
        let smooth = r.fastaiVal / Float(1 - pow(0.98, Double(count)))
        r.lrs.append(lr); r.losses.append(loss); r.smoothed.append(Double(smooth))
        if smooth < r.fastaiBest { r.fastaiBest = smooth }
        if smooth > Float(divergeThreshold) * r.fastaiBest { r.diverged = true; return false }
        return count < steps
    }

    /// The suggestions of a finished test, by its style.
    public func suggestions(for r: Result) -> Suggestions {
        guard style == .fastai else { return Self.suggest(lrs: r.lrs, losses: r.losses, smoothed: r.smoothed, planned: steps) }
        var s = Self.fastaiSuggestions(lrs: r.lrs, smoothed: r.smoothed.map { Float($0) }, numIt: steps)
        // The cyclic bounds are vaetop's reading either way (fastai has none).
        let ours = Self.suggest(lrs: r.lrs, losses: r.losses, smoothed: r.smoothed, planned: steps)
        s.cyclicBase = ours.cyclicBase; s.cyclicMax = ours.cyclicMax
        return s
    }

    /// `Learner.lr_find`'s suggestions on its recorded curve: lrs and smoothed losses as float32 tensors, kept
    /// `[num_it // 10 : −5]` and cut at the first NaN; valley (with Python's index −1 when the longest decreasing run
    /// starts at the first kept point), minimum/10 and steep (the lr where Δloss/Δlog lr is lowest).
    static func fastaiSuggestions(lrs: [Double], smoothed: [Float], numIt: Int) -> Suggestions {
        var s = Suggestions()
        let lo = numIt / 10, hi = smoothed.count - 5
        guard hi - lo >= 2 else { return s }
        var l = lrs[lo..<hi].map { Float($0) }, y = Array(smoothed[lo..<hi])
        if let nan = y.firstIndex(where: \.isNaN) { l = Array(l[..<nan]); y = Array(y[..<nan]) }
        guard y.count >= 2 else { return s }
        s.valley = valley(lrs: l.map(Double.init), losses: y.map(Double.init))
        // torch.argmin: the first of equal minima; a NaN wins.
        func argmin(_ v: [Float]) -> Int {
            var best = 0
            for i in v.indices.dropFirst() where v[i].isNaN ? !v[best].isNaN : (!v[best].isNaN && v[i] < v[best]) { best = i }
            return best
        }
        s.minimumOverTen = Double(l[argmin(y)]) / 10
        var grads: [Float] = []
        for i in 0..<(y.count - 1) {
            let dy: Float = y[i + 1] - y[i]
            let dx: Float = log(l[i + 1]) - log(l[i])
            grads.append(dy / dx)
        }
        s.steepest = Double(l[argmin(grads)])
        return s
    }

    /// The curve fastai's suggestion functions see: its Recorder's loss (AvgSmoothLoss: debiased EMA, β = 0.98,
    /// `val = loss + β·(val − loss)`, shown as `val / (1 − β^n)`), trimmed as `Learner.lr_find` does to
    /// `[num_it // 10 : −5]`, and cut at the first NaN.
    static func fastaiCurve(lrs: [Double], losses: [Double], numIt: Int) -> (lrs: [Double], losses: [Double]) {
        // Written as fastai computes it (torch.lerp(loss, val, β) = loss + β·(val − loss); β**count), so plateaus
        // of equal losses compare the same way.
        let beta = 0.98
        var val = 0.0
        var smooth: [Double] = []
        smooth.reserveCapacity(losses.count)
        for (k, l) in losses.enumerated() {
            val = l + beta * (val - l)
            smooth.append(val / (1 - pow(beta, Double(k + 1))))
        }
        let lo = max(0, numIt / 10), hi = smooth.count - 5
        guard hi > lo else { return ([], []) }
        var l = Array(lrs[lo..<hi]), y = Array(smooth[lo..<hi])
        if let nan = y.firstIndex(where: { $0.isNaN }) { l = Array(l[..<nan]); y = Array(y[..<nan]) }
        return (l, y)
    }

    /// fastai's `valley` (ESRI's rule), with its loop exactly as written: the longest-valley bounds are updated
    /// inside the inner loop, so `max_start` uses the length reached at that moment.
    static func valley(lrs: [Double], losses: [Double]) -> Double? {
        let n = losses.count
        guard n >= 1 else { return nil }
        var lds = [Int](repeating: 1, count: n)
        var maxStart = 0, maxEnd = 0
        for i in 1..<max(1, n) {
            for j in 0..<i {
                if losses[i] < losses[j] && lds[i] < lds[j] + 1 { lds[i] = lds[j] + 1 }
                if lds[maxEnd] < lds[i] { maxEnd = i; maxStart = maxEnd - lds[maxEnd] }
            }
        }
        let sections = Double(maxEnd - maxStart) / 3
        // max_start is −1 when the longest run starts at the first point; a short run then makes the index −1, which
        // Python reads as the last point, and so does this.
        let idx = maxStart + Int(sections) + Int(sections / 2)
        return lrs[idx < 0 ? idx + n : min(n - 1, idx)]
    }

    /// Computes every suggestion from a recorded curve.
    /// `planned` is the test's planned number of points (fastai's `num_it`, which sets how much of the start it trims).
    public static func suggest(lrs: [Double], losses: [Double], smoothed: [Double], planned: Int? = nil) -> Suggestions {
        var s = Suggestions()
        let n = smoothed.count
        // Steepest: argmin of np.gradient over the window [10, n − 5).
        if n - 15 >= 2 {
            let window = Array(smoothed[10..<(n - 5)])
            let g = gradient(window)
            if let i = g.indices.min(by: { g[$0] < g[$1] }) { s.steepest = lrs[10 + i] }
        }
        let fastai = fastaiCurve(lrs: lrs, losses: losses, numIt: planned ?? losses.count)
        s.valley = valley(lrs: fastai.lrs, losses: fastai.losses)
        if let iMin = fastai.losses.indices.min(by: { fastai.losses[$0] < fastai.losses[$1] }) {
            s.minimumOverTen = fastai.lrs[iMin] / 10
        }
        let centred = movingAverage(losses.map { $0.isFinite ? $0 : .greatestFiniteMagnitude }, window: max(3, losses.count / 20))
        if let iMin = centred.indices.min(by: { centred[$0] < centred[$1] }), let initial = centred.first, initial > centred[iMin] {
            // Starts to fall: the first point 5% of the total drop below the starting loss.
            let threshold = initial - 0.05 * (initial - centred[iMin])
            if let iBase = centred.indices.first(where: { centred[$0] < threshold }), iBase < iMin {
                s.cyclicBase = lrs[iBase]
                s.cyclicMax = lrs[iMin]
            }
        }
        return s
    }

    /// Centred moving average (the window shrinks at the ends).
    static func movingAverage(_ y: [Double], window: Int) -> [Double] {
        let h = window / 2
        return y.indices.map { i in
            let lo = max(0, i - h), hi = min(y.count - 1, i + h)
            return y[lo...hi].reduce(0, +) / Double(hi - lo + 1)
        }
    }

    /// numpy.gradient with unit spacing: central differences inside, one-sided at the ends.
    static func gradient(_ y: [Double]) -> [Double] {
        let n = y.count
        guard n >= 2 else { return [] }
        var g = [Double](repeating: 0, count: n)
        g[0] = y[1] - y[0]
        g[n - 1] = y[n - 1] - y[n - 2]
        for i in 1..<(n - 1) { g[i] = (y[i + 1] - y[i - 1]) / 2 }
        return g
    }
}


extension LRRangeTest.Result {
    /// The run-file record of this curve.
    public func record(_ test: LRRangeTest, step: Int, finished: Bool, applied: LRScheduleConfig.Kind? = nil) -> RangeTestRecord {
        let s = finished ? suggestions : LRRangeTest.Suggestions()
        return RangeTestRecord(step: step, mode: test.mode.rawValue, start: test.start, end: test.end, steps: test.steps,
                               lrs: lrs, losses: losses, smoothed: smoothed, finished: finished, diverged: diverged,
                               steepest: s.steepest, valley: s.valley, minimumOverTen: s.minimumOverTen,
                               cyclicBase: s.cyclicBase, cyclicMax: s.cyclicMax, applied: applied)
    }
}
