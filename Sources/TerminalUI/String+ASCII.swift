/// ASCII spellings of the symbols the screen uses in text, for terminals without UTF-8 (`--ascii`, `LANG=C`).
extension String {
    /// Words and ASCII pairs for the Greek letters and symbols of the screen's text; box and block glyphs are left to
    /// the backend's one-cell fallback.
    static let asciiSpellings: [Unicode.Scalar: String] = [
        "β": "beta", "γ": "gamma", "λ": "lambda", "σ": "sigma", "μ": "mu", "ε": "eps", "Δ": "delta",
        "→": "->", "←": "<-", "↑": "up", "↓": "down", "…": "...", "×": "x", "·": "-", "–": "-", "—": "-",
        "≤": "<=", "≥": ">=", "±": "+-", "≈": "~", "⏎": "enter", "▶": ">", "⏸": "||", "‖": "||", "●": "*", "━": "-",
        "│": "|", "╎": "!", "┊": ":", "▏": "|",
    ]

    /// The string with every symbol in `asciiSpellings` spelled out; other non-ASCII scalars are kept.
    public var asciiSpelled: String {
        guard unicodeScalars.contains(where: { $0.value > 0x7E }) else { return self }
        var out = ""
        for s in unicodeScalars {
            if let w = Self.asciiSpellings[s] { out += w } else { out.unicodeScalars.append(s) }
        }
        return out
    }

    /// Columns the string takes on the screen (one per scalar; spelled out when `ascii`).
    public func columns(ascii: Bool) -> Int { (ascii ? asciiSpelled : self).unicodeScalars.count }
}

extension Array where Element == String {
    /// The first text that fits `width` columns whole (the longest form first, shorter ones after): text on the
    /// screen is shortened by choosing, never cut inside a word or number.
    public func firstFitting(_ width: Int, ascii: Bool) -> String? { first { $0.columns(ascii: ascii) <= width } }
}
