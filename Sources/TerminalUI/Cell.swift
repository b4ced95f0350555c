/// One terminal cell: a single Unicode scalar (every glyph vaetop draws is one column wide) and its style.
public struct Cell: Hashable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: Style
    public init(_ scalar: Unicode.Scalar = " ", _ style: Style = Style()) { self.scalar = scalar; self.style = style }
}
