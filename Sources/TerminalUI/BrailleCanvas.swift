/// A dot canvas over cells: 2×4 dots per cell (braille), or 1×1 per cell in ASCII mode; one colour per cell.
public struct BrailleCanvas {
    public let cols: Int
    public let rows: Int
    public let ascii: Bool
    var bits: [UInt8]
    var colors: [Color?]

    public init(cols: Int, rows: Int, ascii: Bool) {
        self.cols = max(0, cols); self.rows = max(0, rows); self.ascii = ascii
        bits = Array(repeating: 0, count: self.cols * self.rows)
        colors = Array(repeating: nil, count: self.cols * self.rows)
    }

    /// Dots across.
    public var pixelWidth: Int { cols * (ascii ? 1 : 2) }
    /// Dots down.
    public var pixelHeight: Int { rows * (ascii ? 1 : 4) }

    private static let bit: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets one dot (origin top left); out-of-range dots are ignored.
    public mutating func set(_ px: Int, _ py: Int, _ color: Color) {
        guard px >= 0, py >= 0, px < pixelWidth, py < pixelHeight else { return }
        let i: Int
        if ascii { i = py * cols + px; bits[i] = 1 }
        else { i = (py / 4) * cols + px / 2; bits[i] |= Self.bit[px % 2][py % 4] }
        colors[i] = color
    }

    /// A vertical run of dots from y0 to y1 inclusive.
    public mutating func vline(_ px: Int, _ y0: Int, _ y1: Int, _ color: Color) {
        for y in min(y0, y1)...max(y0, y1) { set(px, y, color) }
    }

    /// True when the cell holds no dot.
    public func isEmpty(col: Int, row: Int) -> Bool { bits[row * cols + col] == 0 }

    /// Copies the dots into `grid` at `origin`; empty cells are left as they are.
    public func draw(into grid: inout Grid, x: Int, y: Int, background: Color) {
        for r in 0..<rows {
            for c in 0..<cols {
                let b = bits[r * cols + c]
                guard b != 0 else { continue }
                let scalar: Unicode.Scalar = ascii ? "*" : Unicode.Scalar(0x2800 + UInt32(b))!
                grid[x + c, y + r] = Cell(scalar, Style(fg: colors[r * cols + c] ?? .terminalDefault, bg: background))
            }
        }
    }
}
