import Foundation

/// Bounded text: each record can cut its text fields (an alert, a reason, a source, a name, a tag) to a number of
/// characters, as the screen does when a record comes in (`RunEvent.cutForScreen`; the run file keeps the whole
/// text). The kinds below cut their fields by hand; any other kind cuts every string of its JSON, so a new kind
/// is bounded without a line here.
extension RunRecord {
    public func cuttingTexts(limit: Int) -> Self? {
        // A record whose JSON is within the limit holds no string longer than it.
        guard let data = try? JSONEncoder().encode(self), data.count > limit,
              let tree = try? JSONSerialization.jsonObject(with: data) else { return nil }
        var changed = false
        func walk(_ v: Any) -> Any {
            if let s = v as? String {
                guard String.tooLong(s, limit) else { return s }
                changed = true
                return s.cut(to: limit)
            }
            if let a = v as? [Any] { return a.map(walk) }
            if let d = v as? [String: Any] { return d.mapValues(walk) }
            return v
        }
        let cut = walk(tree)
        guard changed, let back = try? JSONSerialization.data(withJSONObject: cut) else { return nil }
        return try? JSONDecoder().decode(Self.self, from: back)
    }

    /// `self` with its one text field cut, or nil when it is short.
    func cutting(_ field: WritableKeyPath<Self, String>, limit: Int) -> Self? {
        guard String.tooLong(self[keyPath: field], limit) else { return nil }
        var r = self
        r[keyPath: field] = r[keyPath: field].cut(to: limit)
        return r
    }
}

extension String {
    /// Whether `s` holds more than `limit` characters (a byte count first: O(1) for native strings).
    static func tooLong(_ s: String, _ limit: Int) -> Bool { s.utf8.count > limit && !s.dropFirst(limit).isEmpty }

    /// Cut to `limit` characters, the last one "…".
    func cut(to limit: Int) -> String { Self.tooLong(self, limit) ? String(prefix(limit - 1)) + "…" : self }
}

// Records without text, or whose only text is bounded elsewhere: never a copy (no JSON round trip per record).
extension StepMetrics { public func cuttingTexts(limit: Int) -> Self? { nil } }
extension EvalMetrics { public func cuttingTexts(limit: Int) -> Self? { nil } }
extension PlanRecord { public func cuttingTexts(limit: Int) -> Self? { nil } }
extension SnapshotsRecord { public func cuttingTexts(limit: Int) -> Self? { nil } }
extension RunSummary { public func cuttingTexts(limit: Int) -> Self? { nil } }

extension SkippedStep { public func cuttingTexts(limit: Int) -> Self? { cutting(\.reason, limit: limit) } }
extension Alert { public func cuttingTexts(limit: Int) -> Self? { cutting(\.message, limit: limit) } }
extension CheckpointRecord { public func cuttingTexts(limit: Int) -> Self? { cutting(\.path, limit: limit) } }
extension StateChange { public func cuttingTexts(limit: Int) -> Self? { cutting(\.reason, limit: limit) } }
extension RangeTestRecord { public func cuttingTexts(limit: Int) -> Self? { cutting(\.mode, limit: limit) } }
extension RewindRecord { public func cuttingTexts(limit: Int) -> Self? { cutting(\.detail, limit: limit) } }

extension CommandOutcome {
    public func cuttingTexts(limit: Int) -> Self? {
        let long = { (s: String?) in String.tooLong(s ?? "", limit) }
        guard long(command) || long(parameter) || long(reason) else { return nil }
        var o = self
        o.command = command?.cut(to: limit); o.parameter = parameter?.cut(to: limit); o.reason = reason?.cut(to: limit)
        return o
    }
}

extension ImageRecord {
    /// Only the logged pictures' tags are text (the pixels are bounded by the reader's checks).
    public func cuttingTexts(limit: Int) -> Self? {
        guard let logged, logged.contains(where: { String.tooLong($0.tag, limit) }) else { return nil }
        var i = self
        i.logged = logged.map { var p = $0; p.tag = p.tag.cut(to: limit); return p }
        return i
    }
}

extension RunHeader {
    public func cuttingTexts(limit: Int) -> Self? {
        let long = { (s: String) in String.tooLong(s, limit) }
        guard long(name) || long(created) || layers.contains(where: long) || (logged ?? []).contains(where: long)
            || (capabilities ?? []).contains(where: long) || (hparams ?? [:]).contains(where: { long($0.key) || long($0.value) })
            || long(parent?.run ?? "") || long(config.data ?? "") || long(writer?.host ?? "") else { return nil }
        let cut = { (s: String) in s.cut(to: limit) }
        var h = self
        h.name = cut(name); h.created = cut(created); h.layers = layers.map(cut)
        h.logged = logged?.map(cut); h.capabilities = capabilities?.map(cut)
        h.hparams = hparams.map { Dictionary($0.map { (cut($0.key), cut($0.value)) }, uniquingKeysWith: { a, _ in a }) }
        if let run = parent?.run { h.parent?.run = cut(run) }
        h.config.data = config.data.map(cut)
        if let host = writer?.host { h.writer?.host = cut(host) }
        return h
    }
}
