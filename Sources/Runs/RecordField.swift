/// One field of a record, declared once: its JSON key and value, its CSV column, its TensorBoard tag and the
/// screen series it feeds. The run file's fast parser and its JSON coding, the CSV and TensorBoard exports, the
/// TensorBoard import and the screen's history all read a record through its table (`StepMetrics.fields`,
/// `EvalMetrics.fields`, `GANStepMetrics.fields`), so adding a field is one row there and one stored property.
public struct RecordField<Record>: @unchecked Sendable {
    /// The field's type and where it lives in the record.
    public enum Value {
        case int(WritableKeyPath<Record, Int>)
        case float(WritableKeyPath<Record, Float>)
        case double(WritableKeyPath<Record, Double>)
        case bool(WritableKeyPath<Record, Bool>)
        case optionalFloat(WritableKeyPath<Record, Float?>)
        case optionalDouble(WritableKeyPath<Record, Double?>)
        case optionalInt(WritableKeyPath<Record, Int?>)
        /// One value per latent dimension or per layer (`list` says which).
        case floats(WritableKeyPath<Record, [Float]>)
        case optionalFloats(WritableKeyPath<Record, [Float]?>)
        case ints(WritableKeyPath<Record, [Int]>)
        /// VAE-GAN's nested record (its own table), absent for a plain VAE.
        case gan(WritableKeyPath<Record, GANStepMetrics?>)

        /// A single number (or switch).
        public var isScalar: Bool {
            switch self {
            case .int, .float, .double, .bool, .optionalFloat, .optionalDouble, .optionalInt: return true
            default: return false
            }
        }
        /// A list of numbers.
        public var isList: Bool {
            switch self {
            case .floats, .optionalFloats, .ints: return true
            default: return false
            }
        }
    }

    /// What the elements of a list field are indexed by; exports name one column or tag per element.
    public enum ListAxis: Sendable {
        /// `prefix` + the dimension as two digits: `kl_dim_07`.
        case latent
        /// `prefix` + the layer's name from the header: `grad_norm_enc1`.
        case layer
    }

    /// JSON key in the run file.
    public let key: String
    public let value: Value
    /// Whether a record may leave it out (optional fields are written only when present).
    public var isOptional: Bool {
        switch value {
        case .optionalFloat, .optionalDouble, .optionalInt, .optionalFloats, .gan: return true
        default: return false
        }
    }
    /// CSV column (for a list, the prefix of one column per element); nil: not in the CSV.
    public let csv: String?
    /// TensorBoard tag (for a list, the prefix of one tag per element); nil: not exported.
    public let tag: String?
    /// How a list's elements are named (nil for scalars).
    public let list: ListAxis?
    /// The per-step history the screen keeps of it (nil: only the latest record is shown).
    public let series: StepSeries?
    /// What it means, for `docs/run-format.md`'s generated tables.
    public let about: String

    public init(_ key: String, _ value: Value, csv: String? = nil, tag: String? = nil, list: ListAxis? = nil, series: StepSeries? = nil,
                _ about: String) {
        self.key = key; self.value = value; self.csv = csv; self.tag = tag; self.list = list; self.series = series; self.about = about
    }

    /// The field's value as a number (scalars; nil when absent or a list).
    public func number(_ r: Record) -> Double? {
        switch value {
        case .int(let k): return Double(r[keyPath: k])
        case .float(let k): return Double(r[keyPath: k])
        case .double(let k): return r[keyPath: k]
        case .bool(let k): return r[keyPath: k] ? 1 : 0
        case .optionalFloat(let k): return r[keyPath: k].map(Double.init)
        case .optionalDouble(let k): return r[keyPath: k]
        case .optionalInt(let k): return r[keyPath: k].map(Double.init)
        case .floats, .optionalFloats, .ints, .gan: return nil
        }
    }

    /// The field's elements (lists; nil when absent or a scalar).
    public func elements(_ r: Record) -> [Double]? {
        switch value {
        case .floats(let k): return r[keyPath: k].map(Double.init)
        case .optionalFloats(let k): return r[keyPath: k].map { $0.map(Double.init) }
        case .ints(let k): return r[keyPath: k].map(Double.init)
        default: return nil
        }
    }

    /// Whether the record holds the field (always, for a required one).
    public func isPresent(in r: Record) -> Bool {
        switch value {
        case .optionalFloat(let k): return r[keyPath: k] != nil
        case .optionalDouble(let k): return r[keyPath: k] != nil
        case .optionalInt(let k): return r[keyPath: k] != nil
        case .optionalFloats(let k): return r[keyPath: k] != nil
        case .gan(let k): return r[keyPath: k] != nil
        default: return true
        }
    }

    /// A list field's elements as stored (nil when absent or not a list of floats).
    public func floats(_ r: Record) -> [Float]? {
        switch value {
        case .floats(let k): return r[keyPath: k]
        case .optionalFloats(let k): return r[keyPath: k]
        case .ints(let k): return r[keyPath: k].map(Float.init)
        default: return nil
        }
    }

    /// Sets a list field from its elements.
    public func setFloats(_ v: [Float], in r: inout Record) {
        switch value {
        case .floats(let k): r[keyPath: k] = v
        case .optionalFloats(let k): r[keyPath: k] = v
        case .ints(let k): r[keyPath: k] = v.map { Int($0) }
        default: break
        }
    }

    /// Sets a scalar from a number (as a reader of exported values does); false when it does not fit the field.
    @discardableResult
    public func set(_ v: Double, in r: inout Record) -> Bool {
        switch value {
        case .int(let k):
            guard v.isFinite, v.rounded() == v, abs(v) <= 1e15 else { return false }
            r[keyPath: k] = Int(v)
        case .float(let k): r[keyPath: k] = Float(v)
        case .double(let k): r[keyPath: k] = v
        case .bool(let k): r[keyPath: k] = v != 0
        case .optionalFloat(let k): r[keyPath: k] = Float(v)
        case .optionalDouble(let k): r[keyPath: k] = v
        case .optionalInt(let k):
            guard v.isFinite, v == v.rounded(), abs(v) < 1e15 else { return false }
            r[keyPath: k] = Int(v)
        case .floats, .optionalFloats, .ints, .gan: return false
        }
        return true
    }

    /// The name of element `i` of a list field, given the header's layer names; `prefix` is `csv` or `tag`.
    public func elementName(_ prefix: String, _ i: Int, layers: [String]) -> String {
        switch list {
        case .layer?: return prefix + (i < layers.count ? layers[i] : "layer\(i)")
        default: return prefix + (i < 10 ? "0\(i)" : "\(i)")
        }
    }
}

/// A record whose fields are declared in one table.
public protocol TabledRecord: Sendable {
    /// Every field, in the order of the record's declaration (the JSON decoder reports the first missing one).
    static var fields: [RecordField<Self>] { get }
    /// A record with every field zero, empty or absent, for readers to fill in.
    static var blank: Self { get }
}

extension TabledRecord {
    /// The position of the field with JSON key `key` in `fields`.
    public static func index(of key: String) -> Int? { fields.firstIndex { $0.key == key } }

    /// The table as markdown: field, JSON type, whether it may be absent, CSV column, TensorBoard tag, screen series,
    /// meaning. `docs/run-format.md` holds it between markers and `RecordFieldTests` keeps it in sync.
    public static var markdownTable: String {
        var out = "| field | type | | CSV column | TensorBoard tag | screen | meaning |\n| --- | --- | --- | --- | --- | --- | --- |\n"
        for f in fields {
            let type: String
            switch f.value {
            case .int: type = "int"
            case .float, .optionalFloat: type = "float"
            case .double, .optionalDouble: type = "double"
            case .optionalInt: type = "int"
            case .bool: type = "bool"
            case .floats, .optionalFloats: type = "[float]"
            case .ints: type = "[int]"
            case .gan: type = "object"
            }
            func name(_ s: String?) -> String {
                guard let s else { return "" }
                switch f.list {
                case .latent?: return "`\(s)00` …"
                case .layer?: return "`\(s)NAME`"
                case nil: return "`\(s)`" + (f.value.isNested ? " + below" : "")
                }
            }
            out += "| `\(f.key)` | \(type) | \(f.isOptional ? "optional" : "") | \(name(f.csv)) | \(name(f.tag)) | \(f.series.map { "\($0)" } ?? "") | \(f.about) |\n"
        }
        return out
    }
}

extension RecordField.Value {
    /// Whether the field is a nested record with its own table.
    public var isNested: Bool { if case .gan = self { true } else { false } }
}
