extension String {
    /// The string with every control character (C0, DEL, C1: ESC, OSC and CSI introducers, BEL, CR, …) and every
    /// bidirectional override replaced by "?", so text that came from a file cannot move the cursor, retitle the
    /// window or clear the screen when printed. `keepNewlines` keeps "\n" for multi-line text.
    public func terminalSafe(keepNewlines: Bool = false) -> String {
        guard unicodeScalars.contains(where: { Self.isUnsafe($0) && !(keepNewlines && $0 == "\n") }) else { return self }
        var out = String.UnicodeScalarView()
        for s in unicodeScalars {
            out.append(Self.isUnsafe(s) && !(keepNewlines && s == "\n") ? "?" : s)
        }
        return String(out)
    }

    /// Control characters and the bidi embedding/override/isolate controls: never sent to a terminal as they are
    /// (`Grid.text` draws them as "?" too).
    static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        if s.value >= 0x20 && s.value < 0x7F { return false }   // printable ASCII, the common case
        return s.properties.generalCategory == .control || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
    }
}
