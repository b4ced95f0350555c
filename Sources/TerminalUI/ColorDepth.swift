/// What a theme colour becomes on a terminal with fewer colours: the nearest xterm-256 or ANSI-8 colour. The
/// backend draws with it, and the screen uses it to keep colours that must differ (runs compared on one chart)
/// apart at every colour depth.
public enum ColorDepth {
    /// The colour number a terminal with `depth` colours shows for `c` (24-bit: the packed RGB); -1 is the default.
    public static func index(_ c: Color, depth: Int) -> Int32 {
        guard case .rgb(let r, let g, let b) = c else { return -1 }
        if depth >= 1 << 24 { return Int32(r) << 16 | Int32(g) << 8 | Int32(b) }
        if depth >= 256 { return xterm256(r, g, b) }
        return basic8(r, g, b)
    }

    /// Nearest of the xterm 6×6×6 cube (16…231), or of the grey ramp (232…255) for a colour that is nearly grey:
    /// a colour scale stays on the cube and so keeps its order (no grey speckles inside a gradient); only greys within 8 levels use the ramp.
    public static func xterm256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 {
        let levels: [Int] = [0, 95, 135, 175, 215, 255]
        func nearest(_ v: UInt8) -> Int { levels.indices.min { abs(levels[$0] - Int(v)) < abs(levels[$1] - Int(v)) }! }
        let (ri, gi, bi) = (nearest(r), nearest(g), nearest(b))
        let cube = (levels[ri], levels[gi], levels[bi])
        let avg = (Int(r) + Int(g) + Int(b)) / 3
        let greyIndex = max(0, min(23, (avg - 8 + 5) / 10))
        let grey = 8 + 10 * greyIndex
        func dist(_ c: (Int, Int, Int)) -> Int {
            let dr = c.0 - Int(r), dg = c.1 - Int(g), db = c.2 - Int(b)
            return dr * dr + dg * dg + db * db
        }
        let nearlyGrey = Int(max(r, g, b)) - Int(min(r, g, b)) <= 8
        return nearlyGrey && dist((grey, grey, grey)) < dist(cube) ? Int32(232 + greyIndex) : Int32(16 + 36 * ri + 6 * gi + bi)
    }

    /// The eight ANSI colours as xterm draws them by default (COLOR_BLACK=0 … COLOR_WHITE=7).
    public static let ansi: [(Int, Int, Int)] = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
                                          (0, 205, 205), (229, 229, 229)]

    /// Nearest of the eight ANSI colours by distance (a light theme's pale colours map to white or their hue, not all
    /// to white as a per-channel threshold would).
    public static func basic8(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 {
        func dist(_ c: (Int, Int, Int)) -> Int {
            let dr = c.0 - Int(r), dg = c.1 - Int(g), db = c.2 - Int(b)
            return 3 * dr * dr + 4 * dg * dg + 2 * db * db
        }
        return Int32(ansi.indices.min { dist(ansi[$0]) < dist(ansi[$1]) }!)
    }
}
