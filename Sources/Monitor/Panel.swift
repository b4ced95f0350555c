/// A panel's identity: what focus, zoom and the log-scale toggles name. Each panel declares its own (`Panel.loss`
/// in LossPanel.swift); its number, title and place come from its `PanelView` in the registry (`Panel.registry`).
public struct Panel: Hashable, Sendable, CustomStringConvertible {
    public let id: String
    public init(_ id: String) { self.id = id }
    public var description: String { id }

    /// Every panel, in focus order.
    public static var allCases: [Panel] { registry.map(\.id) }

    /// The panel's view in the registry.
    var view: any PanelView {
        guard let v = Self.viewByID[self] else { preconditionFailure("panel \(id) is not in Panel.registry") }
        return v
    }

    /// Its number: the key that focuses it and the digit before its title (1-based, registry order).
    public var number: Int { (Self.registry.firstIndex { $0.id == self } ?? 0) + 1 }
    public var title: String { view.title }
    public var shortTitle: String { view.shortTitle }
    /// Whether the panel is a chart with a log-scale toggle.
    public var hasLogScale: Bool { view.hasLogScale }

    /// The panel numbered `n` (nil when there is none).
    public static func numbered(_ n: Int) -> Panel? { registry.indices.contains(n - 1) ? registry[n - 1].id : nil }

    /// The panel `offset` places after this one in focus order, wrapping around.
    func cycled(_ offset: Int) -> Panel {
        let n = Self.registry.count
        return Self.registry[((number - 1 + offset) % n + n) % n].id
    }

    /// The numbers of the panels with a log-scale toggle, as a range for messages ("1–5").
    static var logScaleNumbers: String {
        let numbers = registry.filter(\.hasLogScale).map(\.id.number)
        guard let first = numbers.first, let last = numbers.last else { return "" }
        return first == last ? "\(first)" : "\(first)–\(last)"
    }

    private static let viewByID: [Panel: any PanelView] = Dictionary(uniqueKeysWithValues: registry.map { ($0.id, $0) })
}
