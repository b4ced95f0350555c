import Runs

/// Values at and just past a setting's bounds: the flags, the reader and the live knobs must accept the first and
/// refuse the second.
public enum SettingProbe {
    /// (accepted, refused) numbers for `bound`; whole numbers for integer bounds.
    public static func values(_ bound: SettingBound) -> (accepted: [Double], refused: [Double]) {
        func past(_ v: Double, up: Bool) -> Double {
            let step = max(abs(v) * 1e-9, 1e-12)
            return up ? v + step : v - step
        }
        switch bound {
        case .none, .widths, .milestones: return ([], [])
        case .integers(let r): return ([Double(r.lowerBound), Double(r.upperBound)], [Double(r.lowerBound) - 1, Double(r.upperBound) + 1])
        case .reals(let lo, let hi, let loOpen, let hiOpen):
            var ok: [Double] = [], bad: [Double] = []
            if loOpen { ok.append(past(lo, up: true)); bad.append(lo) } else { ok.append(lo); bad.append(past(lo, up: false)) }
            if hiOpen { ok.append(past(hi, up: false)); bad.append(hi) } else { ok.append(hi); bad.append(past(hi, up: true)) }
            return (ok, bad)
        case .offOrPositive: return ([0, 1e-12, 1e6], [-1e-12])
        }
    }
}
