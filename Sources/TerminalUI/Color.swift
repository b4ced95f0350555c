import Foundation

/// A colour as themes define it; the backend maps it to what the terminal can show.
public enum Color: Hashable, Sendable {
    /// The terminal's own default foreground or background.
    case terminalDefault
    /// A 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)

    /// Parses "#RRGGBB" or "#RGB" (btop also allows a bare grey level "0-255"); nil when malformed.
    public init?(hex: String) {
        var s = Substring(hex.trimmingCharacters(in: .whitespaces))
        if s.isEmpty { self = .terminalDefault; return }
        if s.hasPrefix("#") {
            s = s.dropFirst()
            if s.count == 3 { s = Substring(s.map { "\($0)\($0)" }.joined()) }
            // Hex digits only: UInt32("+FFFFF", radix: 16) would take the sign.
            guard s.count == 6, s.allSatisfy({ $0.isASCII && $0.isHexDigit }), let v = UInt32(s, radix: 16) else { return nil }
            self = .rgb(UInt8(v >> 16), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
        } else if s.allSatisfy({ $0.isASCII && $0.isNumber }), let grey = Int(s), (0...255).contains(grey) {
            self = .rgb(UInt8(grey), UInt8(grey), UInt8(grey))
        } else {
            return nil
        }
    }

    /// Linear blend between two colours (t in 0…1).
    public static func mix(_ a: Color, _ b: Color, _ t: Double) -> Color {
        guard case .rgb(let r1, let g1, let b1) = a, case .rgb(let r2, let g2, let b2) = b else { return t < 0.5 ? a : b }
        func m(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) + (Double(y) - Double(x)) * min(1, max(0, t))).rounded()) }
        return .rgb(m(r1, r2), m(g1, g2), m(b1, b2))
    }

    /// Perceived brightness 0…1 (for monochrome fallbacks).
    public var luminance: Double {
        guard case .rgb(let r, let g, let b) = self else { return 0.5 }
        return (0.2126 * Double(r) + 0.7152 * Double(g) + 0.0722 * Double(b)) / 255
    }
}
