import TerminalUI

/// Maps theme colours to what a terminal with `depth` colours can show.
struct ColorMapper {
    let depth: Int

    /// A curses colour number; -1 is the terminal default.
    func index(_ c: Color) -> Int32 { ColorDepth.index(c, depth: depth) }
}
