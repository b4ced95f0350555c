import TerminalUI

/// One part of the status line: its text, a shorter form, and how important it is (0 most).
struct StatusPart {
    var text: String
    var short: String
    var rank: Int

    init(_ text: String, short: String? = nil, rank: Int) { self.text = text; self.short = short ?? text; self.rank = rank }

    /// Parts of at least this rank are the less important ones: all of them are abbreviated, then dropped, before
    /// the important ones (the replay position, lr, β, λ) are abbreviated.
    static let lessImportant = 4

    /// The parts joined to fit `width`: abbreviations first, least important first, then whole parts dropped, least
    /// important first (a part is never cut, so a number never loses digits); the most important part always stays.
    static func fit(_ parts: [StatusPart], width: Int, separator: String, ascii: Bool) -> String {
        var parts = parts
        func total() -> Int {
            parts.reduce(0) { $0 + $1.text.columns(ascii: ascii) } + max(0, parts.count - 1) * separator.columns(ascii: ascii)
        }
        for important in [false, true] {
            func inTier(_ p: StatusPart) -> Bool { (p.rank < lessImportant) == important }
            for i in parts.indices.sorted(by: { parts[$0].rank > parts[$1].rank }) where inTier(parts[i]) && total() > width {
                parts[i].text = parts[i].short
            }
            while parts.count > 1 && total() > width,
                  let least = parts.indices.filter({ inTier(parts[$0]) }).max(by: { parts[$0].rank < parts[$1].rank }) {
                parts.remove(at: least)
            }
        }
        return parts.map(\.text).joined(separator: separator)
    }
}
