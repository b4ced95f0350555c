/// A guard: a rule that watches the run for one trouble (its trigger) and repairs it with a list of actions, each
/// recorded and undoable like a keystroke. The syntax is `docs/guards.md`'s; `docs/guard-rules.json` holds the cases
/// this parser and the Python client's (`vaetop/guards.py`) are both tested with.
///
///     rewind,lr*0.5,max=3           rewind,skip=200,k=5,window=100       lr*0.5,patience=3       off
public struct GuardRule: Sendable, Equatable {
    /// What the rule watches for.
    public enum Trigger: String, Sendable, CaseIterable, Codable {
        /// A non-finite streak of `--nan-patience` steps.
        case diverge
        /// Train loss or gradient norm above k × its running median over the last `window` trained steps.
        case spike
        /// At an evaluation, more dimensions collapsed (test KL below `--collapse-threshold`) than at the previous one,
        /// or fewer active units.
        case collapse
        /// Test loss not better (by `threshold`, relative) for more than `patience` evaluations: ReduceLROnPlateau.
        case plateau

        /// The command-line flag of its rule.
        public var flag: String { "--on-\(rawValue)" }
    }

    /// One repair.
    public enum Action: Sendable, Equatable {
        /// Back to the last snapshot before the trouble began (diverge: before the streak; spike: before the first
        /// step above the bound; collapse, plateau: the latest snapshot).
        case rewind
        /// Leave out the next N batches of the data order (PaLM's remedy for a spike).
        case skip(Int)
        /// Multiply the lr in force when the rule fires.
        case lr(Double)
        /// Multiply β in force (an override from then on).
        case beta(Double)
        /// Add to the free-bits floor λ.
        case freeBits(Double)
        /// Clip the gradient's global norm at X.
        case clip(Double)
        /// Start the cyclical β ramp again from its start value.
        case restartCycle
        /// Pause (a person decides; headless runs nobody watches end as `stop` would).
        case pause
        /// Today's behaviour: pause on the screen, end with exit 3 headless (diverge); end the run (others).
        case stop

        /// The action as the rule's text writes it.
        public var text: String {
            switch self {
            case .rewind: return "rewind"
            case .skip(let n): return "skip=\(n)"
            case .lr(let f): return "lr*\(GuardRule.number(f))"
            case .beta(let f): return "beta*\(GuardRule.number(f))"
            case .freeBits(let x): return "free-bits+\(GuardRule.number(x))"
            case .clip(let x): return "clip=\(GuardRule.number(x))"
            case .restartCycle: return "restart-cycle"
            case .pause: return "pause"
            case .stop: return "stop"
            }
        }
    }

    public var trigger: Trigger
    /// The repairs, in the order they are done; empty: the rule is off.
    public var actions: [Action]
    /// How often the rule may fire in a run; then the run falls back to what it did without guards.
    public var maxFirings: Int
    /// spike: the bound is k × the running median, over the last `window` trained steps (none before the window is full).
    public var k: Double
    public var window: Int
    /// plateau: evaluations without an improvement tolerated (it fires on the next), the relative improvement that
    /// counts, and the evaluations it stays quiet after firing (ReduceLROnPlateau's patience, threshold, cooldown).
    public var patience: Int
    public var threshold: Double
    public var cooldown: Int

    /// The defaults of the parameters a rule does not give.
    public static let defaultMax = 3, defaultK = 5.0, defaultWindow = 100
    /// ReduceLROnPlateau's defaults (torch.optim.lr_scheduler: patience=10, threshold=1e-4 in "rel" mode, cooldown=0).
    public static let defaultPatience = 10, defaultThreshold = 1e-4, defaultCooldown = 0

    public init(_ trigger: Trigger, actions: [Action], maxFirings: Int = defaultMax, k: Double = defaultK, window: Int = defaultWindow,
                patience: Int = defaultPatience, threshold: Double = defaultThreshold, cooldown: Int = defaultCooldown) {
        self.trigger = trigger; self.actions = actions; self.maxFirings = maxFirings; self.k = k; self.window = window
        self.patience = patience; self.threshold = threshold; self.cooldown = cooldown
    }

    /// A rule that never fires.
    public static func off(_ trigger: Trigger) -> GuardRule { GuardRule(trigger, actions: []) }

    /// Each trigger's rule when no flag gives one: divergence is repaired (rewind and halve the lr, three times at
    /// most), the others are off.
    public static func standard(_ trigger: Trigger) -> GuardRule {
        trigger == .diverge ? GuardRule(.diverge, actions: [.rewind, .lr(0.5)]) : .off(trigger)
    }

    /// Whether the rule acts at all.
    public var isOn: Bool { !actions.isEmpty }

    /// The rule's text, normalised: its actions in order, then `max` (always, except for a lone `stop` at the
    /// default), then every other parameter that differs from its default (`rewind,lr*0.5,max=3`); `off` for a rule
    /// that is off.
    public var text: String {
        guard isOn else { return "off" }
        var parts = actions.map(\.text)
        // `stop` fires once at most: its max is said only when given.
        if actions != [.stop] || maxFirings != Self.defaultMax { parts.append("max=\(maxFirings)") }
        if trigger == .spike {
            if k != Self.defaultK { parts.append("k=\(Self.number(k))") }
            if window != Self.defaultWindow { parts.append("window=\(window)") }
        }
        if trigger == .plateau {
            if patience != Self.defaultPatience { parts.append("patience=\(patience)") }
            if threshold != Self.defaultThreshold { parts.append("threshold=\(Self.number(threshold))") }
            if cooldown != Self.defaultCooldown { parts.append("cooldown=\(cooldown)") }
        }
        return parts.joined(separator: ",")
    }

    /// A number as the rule's text writes it: a whole number without a point, else the shortest text that reads back.
    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}

extension GuardRule {
    /// Reads a rule's text (`docs/guards.md`); throws one line naming what is wrong.
    public init(parsing text: String, for trigger: Trigger) throws(GuardRuleError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard !(parts.count == 1 && parts[0].isEmpty) else { throw .empty }
        if parts.contains("off") {
            guard parts.count == 1 else { throw .offNotAlone }
            self = .off(trigger)
            return
        }
        var rule = GuardRule(trigger, actions: [])
        var seen: Set<String> = []
        for part in parts {
            guard !part.isEmpty else { throw .unknownPart("") }
            let (name, value) = Self.split(part)
            guard seen.insert(name).inserted else { throw .duplicate(name) }
            func real(positive: Bool = true, max: Double = 1e6) throws(GuardRuleError) -> Double {
                guard let s = value, Self.isDecimal(s), let v = Double(s), v.isFinite, positive ? v > 0 : v >= 0, v <= max else {
                    throw .badNumber(part: part, expected: "a number " + (positive ? "> 0" : "≥ 0") + " and ≤ \(Self.number(max))")
                }
                return v
            }
            func whole(_ range: ClosedRange<Int>) throws(GuardRuleError) -> Int {
                guard let s = value, Self.isWhole(s), let v = Int(s), range.contains(v) else {
                    throw .badNumber(part: part, expected: "a whole number in \(range.lowerBound)…\(range.upperBound)")
                }
                return v
            }
            func only(_ t: Trigger) throws(GuardRuleError) { if trigger != t { throw .notForTrigger(part: part, trigger: trigger) } }
            switch (name, value != nil) {
            case ("rewind", false): rule.actions.append(.rewind)
            case ("restart-cycle", false): rule.actions.append(.restartCycle)
            case ("pause", false): rule.actions.append(.pause)
            case ("stop", false): rule.actions.append(.stop)
            case ("skip=", true): rule.actions.append(.skip(try whole(1...1_000_000)))
            case ("lr*", true): rule.actions.append(.lr(try real(max: 1000)))
            case ("beta*", true): rule.actions.append(.beta(try real(max: 1000)))
            case ("free-bits+", true): rule.actions.append(.freeBits(try real(max: 1000)))
            case ("clip=", true): rule.actions.append(.clip(try real()))
            case ("max=", true): rule.maxFirings = try whole(1...1000)
            case ("k=", true):
                try only(.spike)
                rule.k = try real(max: 1e6)
                guard rule.k > 1 else { throw .badNumber(part: part, expected: "a number > 1 (a multiple of the median)") }
            case ("window=", true): try only(.spike); rule.window = try whole(5...100_000)
            case ("patience=", true): try only(.plateau); rule.patience = try whole(0...100_000)
            case ("threshold=", true): try only(.plateau); rule.threshold = try real(positive: false, max: 1)
            case ("cooldown=", true): try only(.plateau); rule.cooldown = try whole(0...100_000)
            default: throw .unknownPart(part)
            }
        }
        guard !rule.actions.isEmpty else { throw .noAction }
        if rule.actions.contains(.stop) && rule.actions.count > 1 { throw .stopNotAlone }
        if let p = rule.actions.firstIndex(of: .pause), p != rule.actions.count - 1 { throw .pauseNotLast }
        if let r = rule.actions.firstIndex(of: .rewind), r != 0 { throw .rewindNotFirst }
        self = rule
    }

    /// Whether `s` is a number as the rules write it: decimal or exponent, no hex, no "nan" (Swift's and Python's
    /// readers then agree on every text).
    static func isDecimal(_ s: String) -> Bool {
        s.wholeMatch(of: /[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/) != nil
    }

    /// Whether `s` is a whole number: digits after an optional sign.
    static func isWhole(_ s: String) -> Bool { s.wholeMatch(of: /[+-]?[0-9]+/) != nil }

    /// A part's name with its operator (`lr*`, `skip=`) and the number after it; a bare word has no value.
    private static func split(_ part: String) -> (String, String?) {
        // The first operator decides (`skip=1e+3` is skip's `=`, `free-bits+0.05` free-bits' `+`); the name keeps it,
        // so `lr=0.5` is not `lr*0.5`.
        guard let i = part.firstIndex(where: { "*+=".contains($0) }) else { return (part, nil) }
        return (String(part[...i]), String(part[part.index(after: i)...]))
    }
}
