import Foundation

/// 24-bit colour for terminals that announce it with `COLORTERM=truecolor` (or `24bit`) while `TERM` names a
/// 256-colour terminfo entry: ncurses draws 24-bit colour only through a "-direct" entry, so the matching one is used
/// when it is installed (Debian's ncurses-term ships xterm-direct and tmux-direct).
enum TrueColor {
    /// The -direct terminfo entry to start curses with, or nil to keep `TERM`'s own.
    static func directVariant(environment env: [String: String], exists: (String) -> Bool = installed) -> String? {
        let colorterm = (env["COLORTERM"] ?? "").lowercased()
        guard colorterm == "truecolor" || colorterm == "24bit", let term = env["TERM"], !term.contains("direct") else { return nil }
        let candidate: String
        if !(env["TMUX"] ?? "").isEmpty || term.hasPrefix("tmux") || term.hasPrefix("screen") {
            candidate = "tmux-direct"   // tmux passes 24-bit colour on, or turns it into the outer terminal's palette
        } else if term.hasPrefix("xterm") {
            candidate = "xterm-direct"
        } else {
            candidate = (term.components(separatedBy: "-").first ?? term) + "-direct"
        }
        return exists(candidate) ? candidate : nil
    }

    /// Whether a terminfo entry is installed where ncurses looks for one.
    static func installed(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        let env = ProcessInfo.processInfo.environment
        var dirs = [env["TERMINFO"], env["HOME"].map { $0 + "/.terminfo" }].compactMap { $0 }
        dirs += (env["TERMINFO_DIRS"] ?? "").split(separator: ":").map(String.init)
        dirs += ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo"]
        let subdirs = [String(first), String(format: "%02x", first.value)]
        return dirs.contains { dir in subdirs.contains { FileManager.default.fileExists(atPath: "\(dir)/\($0)/\(name)") } }
    }
}
