import Foundation

extension Double {
    /// The value in at most four significant digits ("0.001", "1.25e-05"), as logs, panels and records show it.
    public var compact: String {
        guard isFinite else { return "\(self)" }
        let a = Swift.abs(self)
        if a != 0 && (a < 1e-3 || a >= 1e5) { return String(format: "%.2e", self) }
        return String(format: "%.4g", self)
    }
}
