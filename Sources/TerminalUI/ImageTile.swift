/// One grey-level image drawn with upper half blocks (two pixel rows per cell), each cell the mean of an s×s block.
public struct ImageTile {
    public var pixels: [UInt8]
    public var rows: Int
    public var cols: Int
    /// Pixels per cell side (1: full size, 28×14 cells for MNIST).
    public var scale: Int
    public var ascii: Bool
    /// No colour: grey levels as shading blocks (░▒▓█), one per cell.
    public var shaded: Bool

    public init(pixels: [UInt8], rows: Int, cols: Int, scale: Int, ascii: Bool = false, shaded: Bool = false) {
        self.pixels = pixels; self.rows = rows; self.cols = cols; self.scale = max(1, scale); self.ascii = ascii; self.shaded = shaded
    }

    /// Cells the tile takes at a scale: (columns, rows).
    public static func size(rows: Int, cols: Int, scale: Int) -> (width: Int, height: Int) {
        let s = max(1, scale)
        return ((cols + s - 1) / s, ((rows + s - 1) / s + 1) / 2)
    }

    /// An ASCII cell for its two pixel rows, keeping which half is lit (a stroke's top or bottom edge reads as ' or
    /// ., so a digit keeps its shape instead of turning into a blur of dots): both lit "#" or "+" by strength.
    static func asciiGlyph(top: Double, bottom: Double) -> Unicode.Scalar {
        let on = 0.35
        switch (top >= on, bottom >= on) {
        case (true, true): return (top + bottom) / 2 >= 0.65 ? "#" : "+"
        case (true, false): return bottom >= 0.15 ? "*" : "'"
        case (false, true): return top >= 0.15 ? "*" : "."
        case (false, false): return max(top, bottom) >= 0.2 ? "-" : " "
        }
    }
    private static let blocks: [Unicode.Scalar] = [" ", "░", "▒", "▓", "█"]

    /// Draws with its top-left cell at (x, y), clipped to `height` rows.
    public func render(into grid: inout Grid, x: Int, y: Int, height: Int = .max, theme: Theme) {
        guard pixels.count == rows * cols, rows > 0, cols > 0 else { return }
        let (w, h) = Self.size(rows: rows, cols: cols, scale: scale)
        for cy in 0..<min(h, height) {
            for cx in 0..<w {
                let top = average(cx * scale, 2 * cy * scale), bottom = average(cx * scale, (2 * cy + 1) * scale)
                if ascii {
                    grid[x + cx, y + cy] = Cell(Self.asciiGlyph(top: top, bottom: bottom), theme.style(.mainFg))
                } else if shaded {
                    grid[x + cx, y + cy] = Cell(Self.blocks[((top + bottom) / 2 * 4.99).clampedInt(0...4)], theme.style(.mainFg))
                } else {
                    grid[x + cx, y + cy] = Cell("▀", Style(fg: Color.mix(theme[.imageDark], theme[.imageLight], top),
                                                           bg: Color.mix(theme[.imageDark], theme[.imageLight], bottom)))
                }
            }
        }
    }

    /// Mean intensity (0…1) of the block at (x, y); 0 outside the image.
    private func average(_ x: Int, _ y: Int) -> Double {
        guard x >= 0, y >= 0, x < cols, y < rows else { return 0 }
        var sum = 0, n = 0
        for yy in y..<min(rows, y + scale) { for xx in x..<min(cols, x + scale) { sum += Int(pixels[yy * cols + xx]); n += 1 } }
        return n == 0 ? 0 : Double(sum) / Double(n) / 255
    }
}
