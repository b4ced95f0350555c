import Foundation
import Testing
@testable import Runs

/// The field tables are the one declaration of each record: the run-format document shows them as generated, and
/// every field is a stored property of its record (the fast parser stores at its offset).
@Suite struct RecordFieldTests {
    static let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/run-format.md").path

    /// Writes the generated tables into the document when `VAETOP_REGENERATE_DOCS` is set; else compares.
    @Test func runFormatDocumentShowsTheTables() throws {
        var text = try String(contentsOfFile: Self.doc, encoding: .utf8)
        let tables = [("fields: step", "fields", StepMetrics.markdownTable), ("fields: gan", "fields", GANStepMetrics.markdownTable),
                      ("fields: eval", "fields", EvalMetrics.markdownTable), ("settings", "settings", RunSchema.markdownTable)]
        for (name, closing, table) in tables {
            let start = try #require(text.range(of: "<!-- \(name);"))
            let open = try #require(text.range(of: "-->\n", range: start.upperBound..<text.endIndex))
            let close = try #require(text.range(of: "<!-- /\(closing) -->", range: open.upperBound..<text.endIndex))
            if ProcessInfo.processInfo.environment["VAETOP_REGENERATE_DOCS"] != nil {
                text.replaceSubrange(open.upperBound..<close.lowerBound, with: table)
            } else {
                #expect(String(text[open.upperBound..<close.lowerBound]) == table,
                        "docs/run-format.md's \(name) table is out of date (VAETOP_REGENERATE_DOCS=1 swift test --filter RecordFieldTests); it should read:\n\(table)")
            }
        }
        if ProcessInfo.processInfo.environment["VAETOP_REGENERATE_DOCS"] != nil { try text.write(toFile: Self.doc, atomically: true, encoding: .utf8) }
    }

    @Test func keysAndColumnsAreUnique() {
        func unique(_ xs: [String]) -> Bool { Set(xs).count == xs.count }
        #expect(unique(StepMetrics.fields.map(\.key)) && unique(EvalMetrics.fields.map(\.key)) && unique(GANStepMetrics.fields.map(\.key)))
        let csv = StepMetrics.fields.compactMap(\.csv) + EvalMetrics.fields.compactMap(\.csv) + GANStepMetrics.fields.compactMap { $0.csv.map { "gan_" + $0 } }
        #expect(unique(csv))
        let tags = StepMetrics.fields.compactMap(\.tag) + EvalMetrics.fields.compactMap(\.tag) + GANStepMetrics.fields.compactMap { $0.tag.map { "gan/" + $0 } }
        #expect(unique(tags))
        // Each screen series is fed by exactly one field.
        let series = (StepMetrics.fields.compactMap(\.series) + GANStepMetrics.fields.compactMap(\.series)).map(\.rawValue)
        #expect(series.sorted() == StepSeries.allCases.map(\.rawValue))
    }

    /// A record's every stored property is in its table (a property added without a row would not be written).
    @Test func everyStoredPropertyHasARow() {
        func properties<T>(_ value: T) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }
        // `gan` is stored out of line, in `ganBox`.
        #expect(properties(StepMetrics.blank).map { $0 == "ganBox" ? "gan" : $0 }.sorted() == StepMetrics.fields.map(\.key).sorted())
        #expect(properties(EvalMetrics.blank).sorted() == EvalMetrics.fields.map(\.key).sorted())
        #expect(properties(GANStepMetrics.blank).sorted() == GANStepMetrics.fields.map(\.key).sorted())
    }
}
