import TerminalUI

/// Maps theme colours to what a terminal with `depth` colours can show.
struct ColorMapper {
    let depth: Int

    /// A curses colour number; -1 is the terminal default.
    func index(_ c: Color) -> Int32 {
        guard case .rgb(let r, let g, let b) = c else { return -1 }
        if depth >= 1 << 24 { return Int32(r) << 16 | Int32(g) << 8 | Int32(b) }
        if depth >= 256 { return Self.xterm256(r, g, b) }
        return Self.basic8(r, g, b)
    }

    /// Nearest of the xterm 6×6×6 cube (16…231) and grey ramp (232…255).
    static func xterm256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 {
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
        return dist((grey, grey, grey)) < dist(cube) ? Int32(232 + greyIndex) : Int32(16 + 36 * ri + 6 * gi + bi)
    }

    /// Nearest of the eight ANSI colours.
    static func basic8(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int32 {
        let t = 100
        let bits = (Int(r) > t ? 1 : 0) | (Int(g) > t ? 2 : 0) | (Int(b) > t ? 4 : 0)
        return Int32(bits)   // COLOR_BLACK=0, RED=1, GREEN=2, YELLOW=3, BLUE=4, MAGENTA=5, CYAN=6, WHITE=7
    }
}
