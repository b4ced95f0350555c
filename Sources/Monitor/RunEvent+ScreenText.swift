import Runs

/// What one record may bring to the screen: its text is cut at `screenTextLimit` characters with "…" when it comes in
/// (the run file keeps the whole text; `vaetop export` writes it in full). Documented in `docs/run-format.md`.
extension RunEvent {
    /// The most characters of one text field (an alert, a reason, a source, a name, a tag) the screen keeps.
    public static let screenTextLimit = 1_000

    /// The event with every text field cut to `screenTextLimit`, or nil when none is longer (the usual case, no copy).
    public func cutForScreen() -> RunEvent? {
        // A step record holds no text: answered without boxing it into an existential.
        if case .step = self { return nil }
        return record.cuttingTexts(limit: Self.screenTextLimit)?.event
    }
}
