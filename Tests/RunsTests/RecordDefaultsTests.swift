import Foundation
import Runs
import Testing

/// A record kind the run format does not have: what a new kind gets without a line of its own in the checks or
/// the text cut.
private struct NoteRecord: RunRecord, Equatable {
    static let kind = "note"
    var step: Int
    var text: String
    var tags: [String]
    var weight: Double
    var event: RunEvent { .alert(Alert(step: step, level: .info, message: text)) }
}

@Suite struct RecordDefaultsTests {
    @Test func aNewKindIsCheckedForItsStep() {
        #expect(NoteRecord(step: 3, text: "", tags: [], weight: 0).problem() == nil)
        #expect(NoteRecord(step: -1, text: "", tags: [], weight: 0).problem() == "step -1 is outside 0…\(RunEvent.maxStep)")
        #expect(NoteRecord(step: RunEvent.maxStep + 1, text: "", tags: [], weight: 0).problem() != nil)
    }

    @Test func aNewKindsTextIsCutEverywhereInItsJSON() throws {
        let long = String(repeating: "é", count: 5_000)
        let short = NoteRecord(step: 1, text: "fine", tags: ["a"], weight: 0.1)
        #expect(short.cuttingTexts(limit: 1_000) == nil)
        let note = NoteRecord(step: 1, text: long, tags: ["ok", long], weight: 0.1)
        let cut = try #require(note.cuttingTexts(limit: 1_000))
        #expect(cut.text.count == 1_000 && cut.text.hasSuffix("…") && cut.text.dropLast().allSatisfy { $0 == "é" })
        #expect(cut.tags[0] == "ok" && cut.tags[1].count == 1_000)
        #expect(cut.step == 1 && cut.weight == 0.1)
        // Many short strings are long JSON, not long text: no copy.
        #expect(NoteRecord(step: 1, text: "x", tags: Array(repeating: "abc", count: 2_000), weight: 0).cuttingTexts(limit: 1_000) == nil)
    }

    @Test func theKindsOwnCutsAreTheSameRule() throws {
        let long = String(repeating: "x", count: 3_000)
        let alert = try #require(Alert(step: 1, level: .info, message: long).cuttingTexts(limit: 1_000))
        #expect(alert.message.count == 1_000 && alert.message.hasSuffix("…"))
        #expect(StateChange(step: 1, state: .running, reason: "short").cuttingTexts(limit: 1_000) == nil)
        #expect(RunEvent.alert(Alert(step: 1, level: .info, message: long)).record.problem() == nil)
        #expect(RunEvent.alert(Alert(step: -4, level: .info, message: "")).problem() == "step -4 is outside 0…\(RunEvent.maxStep)")
    }
}
