/// A theme's colour ramps (btop's `<name>_start`, `_mid`, `_end` keys).
public enum ThemeGradient: String, CaseIterable, Sendable {
    /// The KL heat map.
    case heat
    /// Bars (KL per dimension, per-layer gradient norms).
    case bar
}
