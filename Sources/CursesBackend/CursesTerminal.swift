import CNcursesw
import Foundation
import TerminalUI

/// The only code that talks to ncurses: set-up, teardown, input, and drawing changed cells.
public final class CursesTerminal: TerminalBackend {
    private let window: UnsafeMutablePointer<WINDOW>
    public let colorDepth: Int
    public let unicode: Bool
    private let mapper: ColorMapper
    private var pairs: [UInt64: Int32] = [:]
    private let maxPairs: Int
    private var ended = false

    /// Problems that prevent a screen.
    public enum StartError: Error, CustomStringConvertible {
        case notATerminal
        case dumbTerminal
        case initFailed(String)
        public var description: String {
            switch self {
            case .notATerminal: return "not a terminal"
            case .dumbTerminal: return "TERM is dumb or unset"
            case .initFailed(let t): return "cannot start curses for TERM=\(t)"
            }
        }
    }

    /// Why no screen can start here (stdin or stdout not a terminal, TERM dumb or unset); nil when one can.
    public static var unavailable: StartError? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return .notATerminal }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else { return .dumbTerminal }
        return nil
    }

    /// Starts curses on the controlling terminal. `ascii` forces the ASCII fallback.
    public init(ascii: Bool) throws(StartError) {
        if let why = Self.unavailable { throw why }
        setlocale(LC_ALL, "")
        var utf8 = String(cString: nc_codeset()).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        if !utf8, setlocale(LC_ALL, "C.UTF-8") != nil, ProcessInfo.processInfo.environment["LANG"] == nil,
           ProcessInfo.processInfo.environment["LC_ALL"] == nil {
            utf8 = true   // no locale configured at all: UTF-8 is the safe modern default
        }
        if !utf8 { setlocale(LC_ALL, "") }
        unicode = utf8 && !ascii
        // COLORTERM=truecolor with a 256-colour terminfo: use its 24-bit ("-direct") variant when one is installed.
        let direct = TrueColor.directVariant(environment: ProcessInfo.processInfo.environment)
        let started = direct.map { name in name.withCString { nc_newterm_named($0) } } ?? nc_newterm()
        guard started != nil, let w = nc_stdscr_ptr() else { throw .initFailed(ProcessInfo.processInfo.environment["TERM"] ?? "") }
        window = w
        cbreak(); noecho(); nonl()
        keypad(window, true)
        curs_set(0)
        set_escdelay(25)
        nc_mouse_on()
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        if !noColor && has_colors() {
            start_color()
            use_default_colors()
            colorDepth = Int(nc_colors())
            maxPairs = Int(nc_color_pairs())
        } else {
            colorDepth = 0
            maxPairs = 0
        }
        mapper = ColorMapper(depth: colorDepth)
        CrashGuard.install()
    }

    deinit { shutdown() }

    /// Restores the terminal (idempotent).
    public func shutdown() {
        guard !ended else { return }
        ended = true
        curs_set(1)
        endwin()
    }

    public var size: (width: Int, height: Int) {
        var y: Int32 = 0, x: Int32 = 0
        nc_getmaxyx(window, &y, &x)
        return (Int(x), Int(y))
    }

    public func poll(milliseconds: Int) -> BackendInput? {
        wtimeout(window, Int32(milliseconds))
        var ch: wint_t = 0
        let r = wget_wch(window, &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            if Int32(ch) == KEY_RESIZE { let s = size; return .resize(width: s.width, height: s.height) }
            if Int32(ch) == KEY_MOUSE {
                var x: Int32 = 0, y: Int32 = 0
                switch nc_mouse_event(&x, &y) {
                case 0: return .mouse(MouseEvent(x: Int(x), y: Int(y), kind: .press))
                case 1: return .mouse(MouseEvent(x: Int(x), y: Int(y), kind: .wheelUp))
                case 2: return .mouse(MouseEvent(x: Int(x), y: Int(y), kind: .wheelDown))
                default: return nil
                }
            }
            return KeyDecoder.special(Int32(ch)).map { .key($0) }
        }
        return KeyDecoder.character(UInt32(ch)).map { .key($0) }
    }

    public func draw(_ grid: Grid, previous: Grid?) {
        if previous == nil || previous!.width != grid.width || previous!.height != grid.height { werase(window) }
        for i in grid.changes(since: previous) {
            let x = i % grid.width, y = i / grid.width
            // Writing the bottom-right cell scrolls some terminals; curses handles it with insertion, skip it.
            if x == grid.width - 1 && y == grid.height - 1 { continue }
            put(grid.cells[i], x: x, y: y)
        }
        wnoutrefresh(window)
        doupdate()
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var attrs: attr_t = nc_a_normal()
        let a = cell.style.attributes
        if a.contains(.bold) { attrs |= nc_a_bold() }
        if a.contains(.dim) { attrs |= nc_a_dim() }
        if a.contains(.reverse) { attrs |= nc_a_reverse() }
        if a.contains(.underline) { attrs |= nc_a_underline() }
        var pair: Int32 = 0
        if colorDepth > 0 {
            pair = pairNumber(mapper.index(cell.style.fg), mapper.index(cell.style.bg))
        } else if cell.style.fg.luminance < 0.35 && cell.style.fg != .terminalDefault {
            attrs |= nc_a_dim()
        }
        var scalar = cell.scalar
        if !unicode && scalar.value > 0x7E { scalar = Self.asciiFallback(scalar) }
        var wch: [wchar_t] = [wchar_t(scalar.value), 0]
        var cc = cchar_t()
        var extPair = pair
        setcchar(&cc, &wch, attrs, 0, &extPair)
        mvwadd_wch(window, Int32(y), Int32(x), &cc)
    }

    /// A colour pair for (fg, bg), created on first use; the cache starts over when pairs run out.
    private func pairNumber(_ fg: Int32, _ bg: Int32) -> Int32 {
        let key = UInt64(UInt32(bitPattern: fg)) << 32 | UInt64(UInt32(bitPattern: bg))
        if let p = pairs[key] { return p }
        if pairs.count + 1 >= maxPairs { pairs.removeAll() }
        let p = Int32(pairs.count + 1)
        init_extended_pair(p, fg, bg)
        pairs[key] = p
        return p
    }

    /// Box and block glyphs for terminals without UTF-8.
    static func asciiFallback(_ s: Unicode.Scalar) -> Unicode.Scalar {
        switch s.value {
        case 0x2500, 0x254C: return "-"
        case 0x2502, 0x2524, 0x250A: return "|"
        case 0x256D, 0x256E, 0x2570, 0x256F: return "+"
        case 0x2800...0x28FF: return s.value == 0x2800 ? " " : "*"
        case 0x2580...0x259F: return "#"
        default: return "?"
        }
    }
}
