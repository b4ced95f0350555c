/// A setting's value as a comparison table shows it.
extension Setting {
    /// The value in `c` as short text ("0.001", "adamw", "400,200", "–" when unset).
    public func text(_ c: RunConfig) -> String {
        switch value {
        case .int(let k): return String(c[keyPath: k])
        case .optionalInt(let k): return c[keyPath: k].map(String.init) ?? "–"
        case .double(let k): return c[keyPath: k].compact
        case .optionalDouble(let k): return c[keyPath: k]?.compact ?? "–"
        case .bool(let k): return c[keyPath: k] ? "on" : "off"
        case .seed(let k): return String(c[keyPath: k])
        case .path(let k): return c[keyPath: k] ?? "–"
        case .ints(let k): return c[keyPath: k].map(String.init).joined(separator: ",")
        case .rule(let k): return c[keyPath: k].text
        case .choice(let ch): return ch.get(c)
        }
    }
}
