/// One configuration field, declared once (`RunConfig.settings`): its place in the header's `config`, its flag, its
/// help, its range, the knob that starts at its value and what a fork may do with it. The tolerant decoder, the
/// range checks of the flags, the reader and the live knobs, the knobs' starting values, the fork's lists,
/// `vaetop schema`, the Python client's ranges and the config table of `docs/run-format.md` all derive from it.
public struct Setting: @unchecked Sendable {
    /// The field's type and where it lives in `RunConfig`.
    public enum Value {
        case int(WritableKeyPath<RunConfig, Int>)
        case optionalInt(WritableKeyPath<RunConfig, Int?>)
        case double(WritableKeyPath<RunConfig, Double>)
        case optionalDouble(WritableKeyPath<RunConfig, Double?>)
        case bool(WritableKeyPath<RunConfig, Bool>)
        case seed(WritableKeyPath<RunConfig, UInt64>)
        case path(WritableKeyPath<RunConfig, String?>)
        case ints(WritableKeyPath<RunConfig, [Int]>)
        /// A guard rule (`docs/guards.md`), written as its text.
        case rule(WritableKeyPath<RunConfig, GuardRule>)
        /// One of a fixed set of names (an enum with string raw values).
        case choice(Choice)

        /// An enum-valued field: its names, read and written through the raw value.
        public static func choice<E: RawRepresentable & CaseIterable>(_ k: WritableKeyPath<RunConfig, E>) -> Value where E.RawValue == String {
            .choice(Choice(names: E.allCases.map(\.rawValue), get: { $0[keyPath: k].rawValue },
                           set: { c, name in
                               guard let e = E(rawValue: name) else { return false }
                               c[keyPath: k] = e
                               return true
                           }))
        }
    }

    /// An enum-valued field's names and accessors.
    public struct Choice {
        public let names: [String]
        public let get: (RunConfig) -> String
        /// false when `name` is not one of `names` (nothing is written).
        public let set: (inout RunConfig, String) -> Bool
    }

    /// What a fork (`vaetop train --fork RUN --at STEP`) does with the field's flag.
    public enum Fork: String, Sendable {
        /// The model, the data or the schedules: the fork keeps the source run's.
        case fixed
        /// A knob: the flag applies as a recorded change at the fork's first step.
        case knob
        /// Taken from the flag as is (the snapshot budget, the threads, more epochs).
        case setting
    }

    /// Key path in the header's `config` object: `latent`, `optimizer.lr`.
    public let name: String
    /// The command-line flag (nil: set only in a file, e.g. a live-only switch).
    public let flag: String?
    public let value: Value
    public let bound: SettingBound
    /// The unit a value is in ("nats", "steps", "MB"), for help and docs.
    public let unit: String?
    /// The knob that starts at this field's value and may change it live (nil: fixed for the run).
    public let live: Hyperparameter?
    public let fork: Fork
    /// One line for `--help` and the docs' config table (the range is appended from `bound`).
    public let help: String

    public init(_ name: String, _ flag: String?, _ value: Value, _ bound: SettingBound = .none, unit: String? = nil,
                live: Hyperparameter? = nil, fork: Fork = .fixed, _ help: String) {
        self.name = name; self.flag = flag; self.value = value; self.bound = bound; self.unit = unit
        self.live = live; self.fork = fork; self.help = help
    }

    /// A row without a range (switches, names, seeds, paths).
    public init(_ name: String, _ flag: String?, _ value: Value, live: Hyperparameter? = nil, fork: Fork = .fixed, _ help: String) {
        self.init(name, flag, value, .none, live: live, fork: fork, help)
    }

    /// The name a message gives it: the flag, else the key path.
    public var shownName: String { flag ?? name }

    /// The help line with its range, in ASCII (as `--help` prints it): "Learning rate; range (0, 10]."
    public var helpWithRange: String {
        let range = bound.text(ascii: true).map { "; range \($0)" + (unit.map { " \($0)" } ?? "") } ?? ""
        let base = help.hasSuffix(".") ? String(help.dropLast()) : help
        // A rule's flag takes text, so its default is said (the others show theirs through the option's own default).
        if case .rule(let k) = value { return base + "; default: " + RunConfig()[keyPath: k].text + "." }
        return base + range + "."
    }

    /// The field's value as a number (numbers and switches; nil when unset, a list, a name or a path).
    public func number(_ c: RunConfig) -> Double? {
        switch value {
        case .int(let k): return Double(c[keyPath: k])
        case .optionalInt(let k): return c[keyPath: k].map(Double.init)
        case .double(let k): return c[keyPath: k]
        case .optionalDouble(let k): return c[keyPath: k]
        case .bool(let k): return c[keyPath: k] ? 1 : 0
        case .seed(let k): return Double(c[keyPath: k])
        case .path, .ints, .choice, .rule: return nil
        }
    }

    /// Copies the field from `source` into `target`.
    public func copy(from source: RunConfig, into target: inout RunConfig) {
        switch value {
        case .int(let k): target[keyPath: k] = source[keyPath: k]
        case .optionalInt(let k): target[keyPath: k] = source[keyPath: k]
        case .double(let k): target[keyPath: k] = source[keyPath: k]
        case .optionalDouble(let k): target[keyPath: k] = source[keyPath: k]
        case .bool(let k): target[keyPath: k] = source[keyPath: k]
        case .seed(let k): target[keyPath: k] = source[keyPath: k]
        case .path(let k): target[keyPath: k] = source[keyPath: k]
        case .ints(let k): target[keyPath: k] = source[keyPath: k]
        case .rule(let k): target[keyPath: k] = source[keyPath: k]
        case .choice(let ch): _ = ch.set(&target, ch.get(source))
        }
    }

    /// Why the field's value in `c` is not acceptable (nil when it is).
    public func problem(in c: RunConfig) -> String? {
        switch value {
        case .int(let k): return bound.problem(Double(c[keyPath: k]), whole: true)
        case .optionalInt(let k): return c[keyPath: k].flatMap { bound.problem(Double($0), whole: true) }
        case .double(let k): return bound.problem(c[keyPath: k], whole: false)
        case .optionalDouble(let k): return c[keyPath: k].flatMap { bound.problem(stored: $0) }
        case .ints(let k): return bound.problem(list: c[keyPath: k])
        case .bool, .seed, .path, .choice, .rule: return nil
        }
    }

    /// The JSON type `vaetop schema` gives it.
    public var typeName: String {
        switch value {
        case .int, .optionalInt, .seed: return "int"
        case .double, .optionalDouble: return "number"
        case .bool: return "bool"
        case .path: return "path"
        case .ints: return "[int]"
        case .rule: return "rule"
        case .choice: return "choice"
        }
    }

    /// The names of an enum-valued field (nil for others).
    public var choices: [String]? {
        if case .choice(let ch) = value { return ch.names }
        return nil
    }
}
