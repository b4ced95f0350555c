/// A JSON value with its object keys in the order given, printed one item per line (for `vaetop schema`, whose
/// output people read and the Python client embeds).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text() == b.text() }

    /// `v`, or null when nil.
    public static func number(_ v: Double?) -> JSONValue { v.map { .number($0) } ?? .null }
    /// `v`, or null when nil.
    public static func string(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }

    /// The value as JSON text: arrays of scalars on one line, every object member on its own line.
    public func text(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let v):
            if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
            return v.isFinite ? "\(v)" : "null"
        case .string(let s): return Self.quote(s)
        case .array(let xs):
            if xs.allSatisfy({ if case .object = $0 { return false }; if case .array = $0 { return false }; return true }) {
                return "[" + xs.map { $0.text() }.joined(separator: ", ") + "]"
            }
            return "[\n" + xs.map { pad + $0.text(indent: indent + 1) }.joined(separator: ",\n") + "\n" + end + "]"
        case .object(let members):
            if members.isEmpty { return "{}" }
            // Objects of scalars stay on one line: a table row reads as one.
            if members.allSatisfy({ if case .object = $0.1 { return false }; if case .array(let a) = $0.1, a.contains(where: { if case .object = $0 { return true }; return false }) { return false }; return true }) {
                return "{" + members.map { Self.quote($0.0) + ": " + $0.1.text() }.joined(separator: ", ") + "}"
            }
            return "{\n" + members.map { pad + Self.quote($0.0) + ": " + $0.1.text(indent: indent + 1) }.joined(separator: ",\n") + "\n" + end + "}"
        }
    }

    /// A JSON string literal (control characters escaped; everything else as UTF-8).
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { let h = String(u.value, radix: 16); out += "\\u" + String(repeating: "0", count: 4 - h.count) + h } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
