/// Foreground, background and attributes of a cell.
public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var attributes: Attributes

    /// Text attributes.
    public struct Attributes: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let bold = Attributes(rawValue: 1)
        public static let dim = Attributes(rawValue: 2)
        public static let reverse = Attributes(rawValue: 4)
        public static let underline = Attributes(rawValue: 8)
    }

    public init(fg: Color = .terminalDefault, bg: Color = .terminalDefault, attributes: Attributes = []) {
        self.fg = fg; self.bg = bg; self.attributes = attributes
    }

    /// The same style with other attributes added.
    public func with(_ a: Attributes) -> Style { var s = self; s.attributes.formUnion(a); return s }
}
