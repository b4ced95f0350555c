import Runs

extension ReplaySource {
    /// The header, a note on anything the reader had to skip, then the records.
    package static func events(_ c: consuming RunFileContents) -> [RunEvent] {
        var first: [RunEvent] = [.header(c.header)]
        if !c.skipped.isEmpty {
            let detail = c.skipped.prefix(3).map { "line \($0.line): \($0.reason)" }.joined(separator: "; ")
            first.append(.alert(Alert(step: 0, level: .warning,
                                      message: "\(c.skipped.count) line\(c.skipped.count == 1 ? "" : "s") skipped (\(detail)\(c.skipped.count > 3 ? "; …" : ""))")))
        }
        var out = c.events
        c.events = []
        out.insert(contentsOf: first, at: 0)
        return out
    }
}
