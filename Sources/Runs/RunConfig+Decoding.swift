/// Tolerant decoding, one loop over the settings table: a missing field takes its default, so files from other
/// writers (the Python client, older versions) load; unknown fields are ignored; a field of the wrong type is an
/// error (the record is skipped with the reason).
extension RunConfig {
    /// A key of the `config` object or of one of its groups.
    struct SettingKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from d: Decoder) throws {
        self.init()
        let top = try d.container(keyedBy: SettingKey.self)
        // Each group (`optimizer`, `lrSchedule`, …) is opened once; an absent or null group keeps its defaults.
        var groups: [String: KeyedDecodingContainer<SettingKey>?] = [:]
        func container(_ group: String) throws -> KeyedDecodingContainer<SettingKey>? {
            if let known = groups[group] { return known }
            let key = SettingKey(stringValue: group)
            let c = try top.contains(key) && !top.decodeNil(forKey: key) ? top.nestedContainer(keyedBy: SettingKey.self, forKey: key) : nil
            groups[group] = .some(c)
            return c
        }
        for s in Self.settings {
            let parts = s.name.split(separator: ".", maxSplits: 1).map(String.init)
            guard let c = parts.count == 2 ? try container(parts[0]) : top else { continue }
            try s.decode(from: c, key: SettingKey(stringValue: parts.last!), into: &self)
        }
    }
}

extension Setting {
    /// Reads this field from `c` into `config` when present (and not null).
    func decode(from c: KeyedDecodingContainer<RunConfig.SettingKey>, key: RunConfig.SettingKey, into config: inout RunConfig) throws {
        switch value {
        case .int(let k): if let v = try c.decodeIfPresent(Int.self, forKey: key) { config[keyPath: k] = v }
        case .optionalInt(let k): if let v = try c.decodeIfPresent(Int.self, forKey: key) { config[keyPath: k] = v }
        case .double(let k): if let v = try c.decodeIfPresent(Double.self, forKey: key) { config[keyPath: k] = v }
        case .optionalDouble(let k):
            // 0 is how a writer may say "off" for a setting whose 0 turns it off: stored as absent.
            if let v = try c.decodeIfPresent(Double.self, forKey: key) { config[keyPath: k] = bound == .offOrPositive && v == 0 ? nil : v }
        case .bool(let k): if let v = try c.decodeIfPresent(Bool.self, forKey: key) { config[keyPath: k] = v }
        case .seed(let k): if let v = try c.decodeIfPresent(UInt64.self, forKey: key) { config[keyPath: k] = v }
        case .path(let k): if let v = try c.decodeIfPresent(String.self, forKey: key) { config[keyPath: k] = v }
        case .ints(let k): if let v = try c.decodeIfPresent([Int].self, forKey: key) { config[keyPath: k] = v }
        case .rule(let k):
            if let v = try c.decodeIfPresent(String.self, forKey: key) {
                do { config[keyPath: k] = try GuardRule(parsing: v, for: config[keyPath: k].trigger) } catch {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(name) is \"\(v)\": \(error)")
                }
            }
        case .choice(let ch):
            if let v = try c.decodeIfPresent(String.self, forKey: key), !ch.set(&config, v) {
                throw DecodingError.dataCorruptedError(forKey: key, in: c,
                                                       debugDescription: "\(name) is \"\(v)\", not one of \(ch.names.joined(separator: ", "))")
            }
        }
    }
}
