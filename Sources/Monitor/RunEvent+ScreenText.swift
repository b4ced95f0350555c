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
        case .change(var c):
            guard Self.tooLong(c.source) else { return nil }
            c.source = Self.cut(c.source); return .change(c)
        case .outcome(var o):
            guard Self.tooLong(o.command ?? "") || Self.tooLong(o.parameter ?? "") || Self.tooLong(o.reason ?? "") else { return nil }
            o.command = o.command.map(Self.cut); o.parameter = o.parameter.map(Self.cut); o.reason = o.reason.map(Self.cut)
            return .outcome(o)
        case .skipped(var s):
            guard Self.tooLong(s.reason) else { return nil }
            s.reason = Self.cut(s.reason); return .skipped(s)
        case .alert(var a):
            guard Self.tooLong(a.message) else { return nil }
            a.message = Self.cut(a.message); return .alert(a)
        case .checkpoint(var c):
            guard Self.tooLong(c.path) else { return nil }
            c.path = Self.cut(c.path); return .checkpoint(c)
        case .state(var s):
            guard Self.tooLong(s.reason) else { return nil }
            s.reason = Self.cut(s.reason); return .state(s)
        case .rangeTest(var r):
            guard Self.tooLong(r.mode) else { return nil }
            r.mode = Self.cut(r.mode); return .rangeTest(r)
        case .images(var i):
            guard let logged = i.logged, logged.contains(where: { Self.tooLong($0.tag) }) else { return nil }
            i.logged = logged.map { var p = $0; p.tag = Self.cut(p.tag); return p }
            return .images(i)
        case .rewind(var r):
            guard Self.tooLong(r.detail) else { return nil }
            r.detail = Self.cut(r.detail); return .rewind(r)
        }
    }

    /// Whether `s` holds more than `screenTextLimit` characters (a byte count first: O(1) for native strings).
    static func tooLong(_ s: String) -> Bool { s.utf8.count > screenTextLimit && !s.dropFirst(screenTextLimit).isEmpty }

    /// `s` cut to `screenTextLimit` characters, the last one "…".
    static func cut(_ s: String) -> String { tooLong(s) ? String(s.prefix(screenTextLimit - 1)) + "…" : s }
}
