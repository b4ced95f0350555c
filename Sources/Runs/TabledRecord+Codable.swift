/// JSON coding from the field table: required fields must be present, optional ones are written only when set.
/// Keys are the table's; with `JSONEncoder`'s sorted keys the output is the same as Swift's synthesized coding.
extension TabledRecord {
    /// Reads every field in table order (the first missing required field is the one reported).
    static func decodeFields(from decoder: Decoder) throws -> Self {
        let c = try decoder.container(keyedBy: FieldKey.self)
        var r = Self.blank
        for f in fields {
            let k = FieldKey(f.key)
            switch f.value {
            case .int(let p): r[keyPath: p] = try c.decode(Int.self, forKey: k)
            case .float(let p): r[keyPath: p] = try c.decode(Float.self, forKey: k)
            case .double(let p): r[keyPath: p] = try c.decode(Double.self, forKey: k)
            case .bool(let p): r[keyPath: p] = try c.decode(Bool.self, forKey: k)
            case .optionalFloat(let p): r[keyPath: p] = try c.decodeIfPresent(Float.self, forKey: k)
            case .optionalDouble(let p): r[keyPath: p] = try c.decodeIfPresent(Double.self, forKey: k)
            case .optionalInt(let p): r[keyPath: p] = try c.decodeIfPresent(Int.self, forKey: k)
            case .floats(let p): r[keyPath: p] = try c.decode([Float].self, forKey: k)
            case .optionalFloats(let p): r[keyPath: p] = try c.decodeIfPresent([Float].self, forKey: k)
            case .ints(let p): r[keyPath: p] = try c.decode([Int].self, forKey: k)
            case .gan(let p): r[keyPath: p] = try c.decodeIfPresent(GANStepMetrics.self, forKey: k)
            }
        }
        return r
    }

    /// Writes every field that is present.
    func encodeFields(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: FieldKey.self)
        for f in Self.fields {
            let k = FieldKey(f.key)
            switch f.value {
            case .int(let p): try c.encode(self[keyPath: p], forKey: k)
            case .float(let p): try c.encode(self[keyPath: p], forKey: k)
            case .double(let p): try c.encode(self[keyPath: p], forKey: k)
            case .bool(let p): try c.encode(self[keyPath: p], forKey: k)
            case .optionalFloat(let p): try c.encodeIfPresent(self[keyPath: p], forKey: k)
            case .optionalDouble(let p): try c.encodeIfPresent(self[keyPath: p], forKey: k)
            case .optionalInt(let p): try c.encodeIfPresent(self[keyPath: p], forKey: k)
            case .floats(let p): try c.encode(self[keyPath: p], forKey: k)
            case .optionalFloats(let p): try c.encodeIfPresent(self[keyPath: p], forKey: k)
            case .ints(let p): try c.encode(self[keyPath: p], forKey: k)
            case .gan(let p): try c.encodeIfPresent(self[keyPath: p], forKey: k)
            }
        }
    }
}

/// A coding key named by a field table's row.
struct FieldKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
