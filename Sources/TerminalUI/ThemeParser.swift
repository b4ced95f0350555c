import FileAccess
import Foundation

/// A problem in a theme file, with its line.
public struct ThemeError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// Reads btop-style theme files: `theme[key]="#RRGGBB"` lines, `#` comments, unknown keys ignored.
public enum ThemeParser {
    /// Parses `text`; keys the file leaves out fall back to the built-in theme. Throws on the first bad line.
    public static func parse(_ text: String, name: String, file: String) throws(ThemeError) -> Theme {
        var colors = Theme.builtinColors
        // "\r\n" is one Character in Swift: splitting on isNewline reads LF and CRLF files alike.
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else {
                throw ThemeError(file: file, line: i + 1, message: "expected theme[key]=\"#RRGGBB\", got '\(line.prefix(40))'")
            }
            let key = String(line[line.index(line.startIndex, offsetBy: 6)..<close])
            var rest = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard rest.hasPrefix("=") else {
                throw ThemeError(file: file, line: i + 1, message: "missing '=' after theme[\(key)]")
            }
            rest = rest.dropFirst().trimmingCharacters(in: .whitespaces)
            if rest.hasPrefix("\"") {
                guard rest.count >= 2, rest.hasSuffix("\"") else {
                    throw ThemeError(file: file, line: i + 1, message: "unterminated quote in theme[\(key)]")
                }
                rest = String(rest.dropFirst().dropLast())
            }
            guard let color = Color(hex: rest) else {
                throw ThemeError(file: file, line: i + 1, message: "'\(rest)' is not a colour (#RRGGBB) for theme[\(key)]")
            }
            if Theme.builtinColors[key] != nil { colors[key] = color }   // unknown keys (btop's own) are ignored
        }
        return Theme(name: name, colors: colors)
    }

    /// Loads a theme file.
    /// The largest theme file read (btop's themes are about 4 KB; a bigger file is a mistake, not a theme).
    public static let maxBytes = 1 << 20

    public static func load(path: String) throws(ThemeError) -> Theme {
        let data: Data
        do { data = try RegularFile.contents(path, limit: maxBytes) } catch {
            switch error {
            case .tooLarge: throw ThemeError(file: path, line: 0, message: "larger than \(maxBytes / 1024) KB; a theme file is a few KB of theme[key]=\"#RRGGBB\" lines")
            case .missing: throw ThemeError(file: path, line: 0, message: "no such file")
            default: throw ThemeError(file: path, line: 0, message: error.reason)
            }
        }
        guard !data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            throw ThemeError(file: path, line: 0, message: "is empty; a theme file holds theme[key]=\"#RRGGBB\" lines")
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try parse(String(decoding: data, as: UTF8.self), name: name, file: path)
    }
}
