/// An in-memory screen of cells that widgets render into; the backend shows it, tests read it as text.
public struct Grid: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Text is spelled in ASCII (`--ascii`, `LANG=C`): β as "beta", → as "->" (`String.asciiSpelled`).
    public var ascii = false

    public init(width: Int, height: Int, fill: Cell = Cell()) {
        self.width = max(0, width); self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// The whole grid as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at (x, y); blank outside.
    public subscript(x: Int, y: Int) -> Cell {
        get { x >= 0 && y >= 0 && x < width && y < height ? cells[y * width + x] : Cell() }
        set { if x >= 0 && y >= 0 && x < width && y < height { cells[y * width + x] = newValue } }
    }

    /// Writes a string from (x, y), clipped to `maxWidth` columns and to the grid. Returns columns written.
    @discardableResult
    public mutating func text(_ s: String, x: Int, y: Int, style: Style, maxWidth: Int = .max) -> Int {
        guard y >= 0, y < height else { return 0 }
        var cx = x
        for scalar in (ascii ? s.asciiSpelled : s).unicodeScalars {
            if cx - x >= maxWidth || cx >= width { break }
            // Combining marks (U+0300 on) take no cell of their own; below them no scalar is one.
            if scalar.value >= 0x300 && scalar.properties.generalCategory == .nonspacingMark { continue }
            // A control character from a file (ESC, BEL, CR, a bidi override, …) must never reach the terminal.
            self[cx, y] = Cell(String.isUnsafe(scalar) ? "?" : scalar, style)
            cx += 1
        }
        return cx - x
    }

    /// Fills a rectangle.
    public mutating func fill(_ r: Rect, _ cell: Cell) {
        for yy in max(0, r.y)..<min(height, r.maxY) where r.x < width {
            for xx in max(0, r.x)..<min(width, r.maxX) { cells[yy * width + xx] = cell }
        }
    }

    /// Changes the style (not the glyphs) of a rectangle.
    public mutating func restyle(_ r: Rect, _ f: (inout Style) -> Void) {
        for yy in max(0, r.y)..<min(height, r.maxY) where r.x < width {
            for xx in max(0, r.x)..<min(width, r.maxX) { f(&cells[yy * width + xx].style) }
        }
    }

    /// The rows as plain text (trailing spaces kept), for snapshots.
    public var lines: [String] {
        (0..<height).map { y in String(String.UnicodeScalarView(cells[(y * width)..<((y + 1) * width)].map(\.scalar))) }
    }

    /// Indices of the cells that differ from `old` (all of them when the size changed).
    public func changes(since old: Grid?) -> [Int] {
        guard let old, old.width == width, old.height == height else { return Array(cells.indices) }
        var out: [Int] = []
        for i in cells.indices where cells[i] != old.cells[i] { out.append(i) }
        return out
    }
}
