/// The run's four guard rules (`--on-diverge`, `--on-spike`, `--on-collapse`, `--on-plateau`), one per trigger.
/// In the header's `config.guards` each is its rule's normalised text.
public struct GuardsConfig: Codable, Sendable, Equatable {
    public var diverge = GuardRule.standard(.diverge)
    public var spike = GuardRule.standard(.spike)
    public var collapse = GuardRule.standard(.collapse)
    public var plateau = GuardRule.standard(.plateau)

    public init() {}

    /// The rule of `trigger`.
    public subscript(trigger: GuardRule.Trigger) -> GuardRule {
        get {
            switch trigger {
            case .diverge: return diverge
            case .spike: return spike
            case .collapse: return collapse
            case .plateau: return plateau
            }
        }
        set {
            switch trigger {
            case .diverge: diverge = newValue
            case .spike: spike = newValue
            case .collapse: collapse = newValue
            case .plateau: plateau = newValue
            }
        }
    }

    /// The rules that are on, in trigger order.
    public var active: [GuardRule] { GuardRule.Trigger.allCases.map { self[$0] }.filter(\.isOn) }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for t in GuardRule.Trigger.allCases {
            guard let text = try c.decodeIfPresent(String.self, forKey: Key(stringValue: t.rawValue)) else { continue }
            do { self[t] = try GuardRule(parsing: text, for: t) } catch {
                throw DecodingError.dataCorruptedError(forKey: Key(stringValue: t.rawValue), in: c, debugDescription: "guards.\(t.rawValue): \(error)")
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for t in GuardRule.Trigger.allCases { try c.encode(self[t].text, forKey: Key(stringValue: t.rawValue)) }
    }
}
