import Foundation
import Testing
@testable import Runs

/// The guard-rule syntax (`docs/guards.md`) on the cases of `docs/guard-rules.json`, which the Python client's parser
/// is tested with too (`clients/python/tests/test_guards.py`).
@Suite struct GuardRuleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Cases: Decodable { let cases: [Case] }
    struct Case: Decodable {
        let trigger: String
        let text: String
        let canonical: String?
        let actions: [[Action]]?
        let max: Int?, k: Double?, window: Int?, patience: Int?, threshold: Double?, cooldown: Int?
        let error: String?
    }
    /// An action's name or its number, as the table writes `["lr", 0.5]`.
    enum Action: Decodable, Equatable {
        case name(String), number(Double)
        init(from d: Decoder) throws {
            let c = try d.singleValueContainer()
            if let s = try? c.decode(String.self) { self = .name(s) } else { self = .number(try c.decode(Double.self)) }
        }
    }

    static func table() throws -> [Case] {
        try JSONDecoder().decode(Cases.self, from: Data(contentsOf: root.appendingPathComponent("docs/guard-rules.json"))).cases
    }

    static func tableForm(_ a: GuardRule.Action) -> [Action] {
        switch a {
        case .rewind: return [.name("rewind")]
        case .skip(let n): return [.name("skip"), .number(Double(n))]
        case .lr(let f): return [.name("lr"), .number(f)]
        case .beta(let f): return [.name("beta"), .number(f)]
        case .freeBits(let x): return [.name("free-bits"), .number(x)]
        case .clip(let x): return [.name("clip"), .number(x)]
        case .restartCycle: return [.name("restart-cycle")]
        case .pause: return [.name("pause")]
        case .stop: return [.name("stop")]
        }
    }

    @Test func everyCaseOfTheSharedTable() throws {
        let cases = try Self.table()
        #expect(cases.count >= 40)
        for c in cases {
            let trigger = try #require(GuardRule.Trigger(rawValue: c.trigger), "\(c.trigger)")
            do {
                let rule = try GuardRule(parsing: c.text, for: trigger)
                #expect(c.error == nil, "'\(c.text)' parsed as \(rule.text), the table expects: \(c.error ?? "")")
                #expect(rule.text == c.canonical, "'\(c.text)'")
                if let a = c.actions { #expect(rule.actions.map(Self.tableForm) == a, "'\(c.text)'") }
                if let v = c.max { #expect(rule.maxFirings == v, "'\(c.text)'") }
                if let v = c.k { #expect(rule.k == v, "'\(c.text)'") }
                if let v = c.window { #expect(rule.window == v, "'\(c.text)'") }
                if let v = c.patience { #expect(rule.patience == v, "'\(c.text)'") }
                if let v = c.threshold { #expect(rule.threshold == v, "'\(c.text)'") }
                if let v = c.cooldown { #expect(rule.cooldown == v, "'\(c.text)'") }
                // The normalised text reads back as the same rule.
                #expect(try GuardRule(parsing: rule.text, for: trigger) == rule, "'\(rule.text)'")
            } catch {
                #expect(c.error.map { "\(error)".contains($0) } ?? false, "'\(c.text)': \(error)")
            }
        }
    }

    /// The defaults the docs promise: divergence repaired three times, the others off; the rules travel in the
    /// header's config as text and come back as the same rules.
    @Test func defaultsAndTheHeader() throws {
        let c = RunConfig()
        #expect(c.guards.diverge.text == "rewind,lr*0.5,max=3")
        #expect(!c.guards.spike.isOn && !c.guards.collapse.isOn && !c.guards.plateau.isOn)
        var custom = c
        custom.guards.spike = try GuardRule(parsing: "rewind,skip=200,k=4", for: .spike)
        custom.guards.plateau = try GuardRule(parsing: "lr*0.5,patience=3", for: .plateau)
        let json = try JSONEncoder().encode(custom)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""spike":"rewind,skip=200,max=3,k=4""#), "\(text)")
        #expect(try JSONDecoder().decode(RunConfig.self, from: json) == custom)
        // An older header without guards takes the defaults; a bad rule in a header is refused with its reason.
        #expect(try JSONDecoder().decode(RunConfig.self, from: Data("{}".utf8)).guards == GuardsConfig())
        #expect(throws: (any Error).self) { try JSONDecoder().decode(RunConfig.self, from: Data(#"{"guards":{"spike":"explode"}}"#.utf8)) }
        // restart-cycle needs a cyclical β schedule.
        var restart = c
        restart.guards.collapse = try GuardRule(parsing: "restart-cycle", for: .collapse)
        #expect(restart.problem()?.message.contains("cyclical") == true)
        restart.betaSchedule.kind = .cyclical
        #expect(restart.problem() == nil)
    }
}
