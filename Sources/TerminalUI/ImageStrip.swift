/// Grey-level images drawn with upper half blocks (two pixel rows per cell), scaled down to fit.
public struct ImageStrip {
    public var images: [[UInt8]]
    public var rows: Int
    public var cols: Int
    public var ascii: Bool
    /// Shown above the strip.
    public var caption: String

    public init(images: [[UInt8]], rows: Int, cols: Int, caption: String, ascii: Bool = false) {
        self.images = images; self.rows = rows; self.cols = cols; self.caption = caption; self.ascii = ascii
    }

    private static let shades: [Unicode.Scalar] = [" ", ".", ":", "+", "#"]

    /// The downscale factor that fits `count` images across `width` and into `height` cells.
    public static func scale(rows: Int, cols: Int, count: Int, width: Int, height: Int) -> Int {
        for s in 1...8 {
            let w = (cols + s - 1) / s, h = (rows + s - 1) / s
            if count * (w + 1) - 1 <= width && (h + 1) / 2 + 1 <= height { return s }
        }
        return 8
    }

    /// Draws the caption and the images; returns the rows used.
    @discardableResult
    public func render(into grid: inout Grid, _ r: Rect, theme: Theme) -> Int {
        guard r.height >= 2, r.width >= 4, !images.isEmpty, (1...4096).contains(rows), (1...4096).contains(cols) else { return 0 }
        grid.text(caption, x: r.x, y: r.y, style: theme.style("graph_text"), maxWidth: r.width)
        let s = Self.scale(rows: rows, cols: cols, count: images.count, width: r.width, height: r.height)
        let w = (cols + s - 1) / s, h = (rows + s - 1) / s
        let cellRows = min((h + 1) / 2, r.height - 1)
        let fit = max(1, min(images.count, (r.width + 1) / (w + 1)))
        for (k, img) in images.prefix(fit).enumerated() where img.count == rows * cols {
            let ox = r.x + k * (w + 1)
            for cy in 0..<cellRows {
                for cx in 0..<w {
                    let top = average(img, cx * s, 2 * cy * s, s), bottom = average(img, cx * s, (2 * cy + 1) * s, s)
                    let x = ox + cx, y = r.y + 1 + cy
                    if ascii {
                        let v = (top + bottom) / 2
                        grid[x, y] = Cell(Self.shades[(v * 4.99).clampedInt(0...4)], theme.style("main_fg"))
                    } else {
                        let fg = Color.mix(theme["image_dark"], theme["image_light"], top)
                        let bg = Color.mix(theme["image_dark"], theme["image_light"], bottom)
                        grid[x, y] = Cell("▀", Style(fg: fg, bg: bg))
                    }
                }
            }
        }
        return cellRows + 1
    }

    /// Mean intensity (0…1) of the s×s block at (x, y); 0 outside the image (an odd half-row count reaches past it).
    private func average(_ img: [UInt8], _ x: Int, _ y: Int, _ s: Int) -> Double {
        guard x >= 0, y >= 0, x < cols, y < rows else { return 0 }
        var sum = 0, n = 0
        for yy in y..<min(rows, y + s) { for xx in x..<min(cols, x + s) { sum += Int(img[yy * cols + xx]); n += 1 } }
        return n == 0 ? 0 : Double(sum) / Double(n) / 255
    }
}
