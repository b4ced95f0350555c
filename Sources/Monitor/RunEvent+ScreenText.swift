import Runs

/// What one record may bring to the screen: its text is cut at `screenTextLimit` characters with "…" when it comes in
/// (the run file keeps the whole text; `vaetop export` writes it in full). Documented in `docs/run-format.md`.
extension RunEvent {
    /// The most characters of one text field (an alert, a reason, a source, a name, a tag) the screen keeps.
    public static let screenTextLimit = 1_000

    /// The event with every text field cut to `screenTextLimit`, or nil when none is longer (the usual case, no copy).
    public func cutForScreen() -> RunEvent? {
        switch self {
        case .step, .eval, .plan, .snapshots, .end: return nil
        case .header(var h):
            guard Self.tooLong(h.name) || Self.tooLong(h.created) || h.layers.contains(where: Self.tooLong)
                || (h.logged ?? []).contains(where: Self.tooLong) || (h.capabilities ?? []).contains(where: Self.tooLong)
                || (h.hparams ?? [:]).contains(where: { Self.tooLong($0.key) || Self.tooLong($0.value) })
                || Self.tooLong(h.parent?.run ?? "") || Self.tooLong(h.config.data ?? "") || Self.tooLong(h.writer?.host ?? "") else { return nil }
            h.name = Self.cut(h.name); h.created = Self.cut(h.created); h.layers = h.layers.map(Self.cut)
            h.logged = h.logged?.map(Self.cut); h.capabilities = h.capabilities?.map(Self.cut)
            h.hparams = h.hparams.map { Dictionary($0.map { (Self.cut($0.key), Self.cut($0.value)) }, uniquingKeysWith: { a, _ in a }) }
            if let run = h.parent?.run { h.parent?.run = Self.cut(run) }
            h.config.data = h.config.data.map(Self.cut)
            if let host = h.writer?.host { h.writer?.host = Self.cut(host) }
            return .header(h)
        case .change(let c): return Self.cut(c, \.source, RunEvent.change)
        case .outcome(var o):
            guard Self.tooLong(o.command ?? "") || Self.tooLong(o.parameter ?? "") || Self.tooLong(o.reason ?? "") else { return nil }
            o.command = o.command.map(Self.cut); o.parameter = o.parameter.map(Self.cut); o.reason = o.reason.map(Self.cut)
            return .outcome(o)
        case .skipped(let s): return Self.cut(s, \.reason, RunEvent.skipped)
        case .alert(let a): return Self.cut(a, \.message, RunEvent.alert)
        case .checkpoint(let c): return Self.cut(c, \.path, RunEvent.checkpoint)
        case .state(let s): return Self.cut(s, \.reason, RunEvent.state)
        case .rangeTest(let r): return Self.cut(r, \.mode, RunEvent.rangeTest)
        case .images(var i):
            guard let logged = i.logged, logged.contains(where: { Self.tooLong($0.tag) }) else { return nil }
            i.logged = logged.map { var p = $0; p.tag = Self.cut(p.tag); return p }
            return .images(i)
        case .rewind(let r): return Self.cut(r, \.detail, RunEvent.rewind)
        }
    }

    /// `record` with its one text field cut, as an event; nil when the field is short.
    static func cut<R>(_ record: R, _ field: WritableKeyPath<R, String>, _ event: (R) -> RunEvent) -> RunEvent? {
        guard tooLong(record[keyPath: field]) else { return nil }
        var r = record
        r[keyPath: field] = cut(r[keyPath: field])
        return event(r)
    }

    /// Whether `s` holds more than `screenTextLimit` characters (a byte count first: O(1) for native strings).
    static func tooLong(_ s: String) -> Bool { s.utf8.count > screenTextLimit && !s.dropFirst(screenTextLimit).isEmpty }

    /// `s` cut to `screenTextLimit` characters, the last one "…".
    static func cut(_ s: String) -> String { tooLong(s) ? String(s.prefix(screenTextLimit - 1)) + "…" : s }
}
