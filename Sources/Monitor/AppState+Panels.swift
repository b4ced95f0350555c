import TerminalUI

/// What the focused panels' keys need to know about the layout and the run.
extension AppState {
    /// Rows of the events panel as laid out now (a page for PgUp / PgDn).
    var logPageHeight: Int {
        if zoomed && focus == .log { return max(1, height - 4) }
        let body = Rect(x: 0, y: 1, width: width, height: height - 2)
        return Screen.layout(body, focus: focus, comparing: comparing).first { $0.0 == .log }.map { max(1, $0.1.height - 2) } ?? 1
    }

    /// Whether a key may ask for `capability` (a command name or a hyperparameter's raw value): always for the
    /// trainer this screen drives; for a watched run, only what its writer declared it can do.
    func canSend(_ capability: String) -> Bool {
        guard mode == .follow else { return true }
        // Another program's log (TensorBoard) takes no commands at all.
        guard let h = run.header, h.logged == nil else { return false }
        if capability == Keymap.knobsCapability { return Knob.available(gan: run.isGAN).contains { h.can($0.parameter.rawValue) } }
        return h.can(capability)
    }

    /// Lines are told apart by letters as well as colour: no colour at all, or the monochrome theme's greys.
    var lettersForLines: Bool { monochrome || theme.name == "monochrome" }

    /// The latent dimensions in the order the KL panel lists them: by index, or by current KL, largest first.
    var dimensionOrder: [Int] { Self.dimensionOrder(run.lastStep?.klDims ?? run.lastEval?.klDims ?? [], sortedByKL: sortByKL) }

    /// Dimensions of `kl` by index, or by KL, largest first (ties by index).
    static func dimensionOrder(_ kl: [Float], sortedByKL: Bool) -> [Int] {
        let order = Array(kl.indices)
        guard sortedByKL else { return order }
        return order.sorted { kl[$0] != kl[$1] ? kl[$0] > kl[$1] : $0 < $1 }
    }

    /// Whether an unbound key deserves a "does nothing here" message (not for plain typing mistakes like shift).
    func deservesNoOpMessage(_ k: Key) -> Bool {
        switch k {
        case .char(let c): return !c.isWhitespace
        case .escape: return false
        default: return true
        }
    }
}
