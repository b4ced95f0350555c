/// What the app loop needs from a terminal: its size, input with a timeout, and drawing changed cells.
public protocol TerminalBackend: AnyObject {
    /// Current size in cells (columns, rows).
    var size: (width: Int, height: Int) { get }
    /// Colour depth the terminal shows: 0 (none / NO_COLOR), 8, 256 or 16,777,216.
    var colorDepth: Int { get }
    /// Whether wide characters (braille, blocks) can be shown; false means use ASCII.
    var unicode: Bool { get }
    /// Waits up to `milliseconds` for one input event.
    func poll(milliseconds: Int) -> BackendInput?
    /// Shows `grid`, sending only what differs from `previous` (nil: everything).
    func draw(_ grid: Grid, previous: Grid?)
}

/// One input event.
public enum BackendInput: Equatable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
}
