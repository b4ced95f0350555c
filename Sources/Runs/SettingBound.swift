/// The values a setting accepts: one declaration per range, checked for the flags, the run-file reader, a
/// checkpoint's metadata and a live change alike.
public enum SettingBound: Sendable, Equatable {
    /// Anything of the field's type (switches, names, seeds, paths).
    case none
    /// Whole numbers in a closed range.
    case integers(ClosedRange<Int>)
    /// Finite reals between two bounds, each open or closed.
    case reals(Double, Double, lowerOpen: Bool, upperOpen: Bool)
    /// ≥ 0, where 0 means off (gradient clipping): stored as absent, never as 0.
    case offOrPositive
    /// Hidden-layer widths: whole numbers in 1…16384, at most 64 layers.
    case widths
    /// Increasing step counts in 0…2³¹−1, at most 10,000 of them (MultiStepLR's milestones).
    case milestones

    /// (lo, hi]
    public static func above(_ lo: Double, upTo hi: Double) -> SettingBound { .reals(lo, hi, lowerOpen: true, upperOpen: false) }
    /// [lo, hi)
    public static func from(_ lo: Double, below hi: Double) -> SettingBound { .reals(lo, hi, lowerOpen: false, upperOpen: true) }
    /// [lo, hi]
    public static func closed(_ lo: Double, _ hi: Double) -> SettingBound { .reals(lo, hi, lowerOpen: false, upperOpen: false) }

    /// Hidden widths of the encoder, decoder and discriminator.
    public static let widthRange = 1...16384
    /// Hidden layers of the encoder or the decoder at most.
    public static let maxLayers = 64
    /// Step counts of schedules and intervals.
    public static let stepCountRange = 0...Int(Int32.max)

    /// The range as people write it: "(0, 10]", "1…4096", "≥ 0 (0: off)"; nil when anything goes.
    public var text: String? { text(ascii: false) }

    /// The range in ASCII ("1...4096", ">= 0"), for `--help` on any terminal.
    public func text(ascii: Bool) -> String? {
        let to = ascii ? "..." : "…"
        switch self {
        case .none: return nil
        case .integers(let r): return "\(r.lowerBound)\(to)\(r.upperBound)"
        case .reals(let lo, let hi, let lo0, let hi0): return "\(lo0 ? "(" : "[")\(Self.show(lo)), \(Self.show(hi))\(hi0 ? ")" : "]")"
        case .offOrPositive: return (ascii ? ">=" : "≥") + " 0 (0: off)"
        case .widths: return "\(Self.widthRange.lowerBound)\(to)\(Self.widthRange.upperBound) each, at most \(Self.maxLayers)"
        case .milestones: return "increasing, 0\(to)\(Int32.max)"
        }
    }

    /// Whether the number `v` is inside (`whole`: it must be a whole number too).
    public func contains(_ v: Double, whole: Bool = false) -> Bool {
        guard v.isFinite, !whole || v == v.rounded() else { return false }
        switch self {
        case .none, .widths, .milestones: return true
        case .integers(let r): return v >= Double(r.lowerBound) && v <= Double(r.upperBound) && v == v.rounded()
        case .reals(let lo, let hi, let lo0, let hi0): return (lo0 ? v > lo : v >= lo) && (hi0 ? v < hi : v <= hi)
        case .offOrPositive: return v >= 0
        }
    }

    /// "must be in (0, 10], got 11" when `v` is outside, else nil.
    public func problem(_ v: Double, whole: Bool) -> String? {
        if contains(v, whole: whole) { return nil }
        let got = whole && v.isFinite && v == v.rounded() && abs(v) < 1e18 ? String(Int(v)) : Self.show(v)
        switch self {
        case .integers(let r) where !(v.isFinite && v == v.rounded()):
            return "must be a whole number in \(r.lowerBound)…\(r.upperBound), got \(got)"
        case .offOrPositive: return "must be ≥ 0 (0 turns it off), got \(got)"
        default: return "must be in \(text ?? "range"), got \(got)"
        }
    }

    /// Why a value held in a configuration is not acceptable: as `problem(_:whole:)`, except that a setting whose 0
    /// turns it off holds "off" as absent, never as 0 (the flags and the reader turn a 0 into absent).
    public func problem(stored v: Double) -> String? {
        if self == .offOrPositive && v == 0 { return "must be ≥ 0 (0 turns it off), got 0 (off is stored as absent)" }
        return problem(v, whole: false)
    }

    /// Why the list `w` is not acceptable (widths, milestones), else nil.
    public func problem(list w: [Int]) -> String? {
        switch self {
        case .widths:
            if w.count > Self.maxLayers || w.contains(where: { !Self.widthRange.contains($0) }) {
                return "widths must be whole numbers in \(Self.widthRange.lowerBound)…\(Self.widthRange.upperBound), at most \(Self.maxLayers) layers, got \(w.map(String.init).joined(separator: ","))"
            }
        case .milestones:
            if w.count > 10_000 || w.contains(where: { !Self.stepCountRange.contains($0) }) {
                return "must be whole numbers in 0…\(Int32.max), at most 10000 of them"
            }
            if w != w.sorted() { return "must be increasing" }
        default: break
        }
        return nil
    }

    /// The bounds for `vaetop schema`: min, max and whether each is open (nil when unbounded).
    public var limits: (min: Double?, max: Double?, minOpen: Bool, maxOpen: Bool) {
        switch self {
        case .none, .widths, .milestones: return (nil, nil, false, false)
        case .integers(let r): return (Double(r.lowerBound), Double(r.upperBound), false, false)
        case .reals(let lo, let hi, let lo0, let hi0): return (lo, hi, lo0, hi0)
        case .offOrPositive: return (0, nil, false, false)
        }
    }

    /// A number as people write it: 1000, 0.6931, 1e+12 (never 1000000000000.0).
    static func show(_ v: Double) -> String {
        if v.isFinite && v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        if v.isFinite && v != 0 && (abs(v) >= 1e6 || abs(v) < 1e-4) {
            // The shortest exponent form that gives the number back.
            for digits in 0...16 {
                let text = String(format: "%.\(digits)e", v)
                if Double(text) == v { return text.replacingOccurrences(of: "e+0", with: "e+").replacingOccurrences(of: "e-0", with: "e-") }
            }
        }
        return "\(v)"
    }
}
