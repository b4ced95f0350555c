import Foundation
import TestSupport
import Testing
@testable import Runs

/// The settings table is the one declaration of every configuration field: each stored property has its row,
/// the decoder is one loop over the rows, the range checks of the flags, the reader and the live knobs are the
/// rows' bounds, and the Python client's schema module is what `vaetop schema --python` prints.
@Suite struct SettingsTableTests {
    /// Every stored property of `RunConfig` and of its groups, as a key path name (`optimizer.lr`).
    static func storedFields() -> [String] {
        func walk(_ value: Any, _ prefix: String) -> [String] {
            Mirror(reflecting: value).children.flatMap { child -> [String] in
                let name = prefix + (child.label ?? "?")
                let m = Mirror(reflecting: child.value)
                // A guard rule is one field: its text.
                if m.displayStyle == .struct && !(child.value is [Int]) && !(child.value is GuardRule) { return walk(child.value, name + ".") }
                return [name]
            }
        }
        return walk(RunConfig(), "")
    }

    @Test func everyConfigFieldHasExactlyOneRow() {
        let rows = RunConfig.settings.map(\.name)
        #expect(Set(rows).count == rows.count, "a name twice")
        #expect(rows.sorted() == Self.storedFields().sorted())
        let flags = RunConfig.settings.compactMap(\.flag)
        #expect(Set(flags).count == flags.count, "a flag twice")
        // Every live knob but the two overrides of a scheduled value has its own row.
        let live = Set(RunConfig.settings.compactMap(\.live))
        #expect(live == Set(Hyperparameter.allCases).subtracting([.beta, .momentum]))
    }

    /// Sets a number into the row's field (whole numbers for integer fields).
    static func set(_ s: Setting, _ v: Double, in c: inout RunConfig) {
        switch s.value {
        case .int(let k): c[keyPath: k] = Int(v)
        case .optionalInt(let k): c[keyPath: k] = Int(v)
        case .double(let k): c[keyPath: k] = v
        case .optionalDouble(let k): c[keyPath: k] = v == 0 && s.bound == .offOrPositive ? nil : v
        default: Issue.record("\(s.name) is not a number")
        }
    }

    @Test func everyBoundRefusesJustPastItAndAcceptsItsEnds() {
        for s in RunConfig.settings {
            let (ok, bad) = SettingProbe.values(s.bound)
            for v in ok {
                var c = RunConfig(); Self.set(s, v, in: &c)
                #expect(c.problem() == nil, "\(s.name) = \(v): \(c.problem()?.description ?? "")")
            }
            for v in bad {
                var c = RunConfig(); Self.set(s, v, in: &c)
                #expect(c.problem()?.flag == s.shownName, "\(s.name) = \(v) accepted")
            }
        }
    }

    /// A live change accepts exactly what its setting accepts (they had drifted: --gan-gamma refused 10⁶).
    @Test func liveRangesAreTheSettingsRanges() {
        for p in Hyperparameter.allCases {
            let (ok, bad) = SettingProbe.values(p.setting.bound)
            for v in ok { #expect(p.problem(with: v) == nil, "\(p) \(v): \(p.problem(with: v) ?? "")") }
            for v in bad { #expect(p.problem(with: v) != nil, "\(p) \(v) accepted") }
        }
        #expect(Hyperparameter.batchSize.problem(with: 64.5) != nil)
        #expect(Hyperparameter.freezeDiscriminator.problem(with: 0.5) != nil && Hyperparameter.freezeDiscriminator.problem(with: 1) == nil)
        #expect(Hyperparameter.lr.problem(with: 11) == "lr must be in (0, 10], got 11")
    }

    /// Random configurations come back equal through JSON; a partial one takes the defaults; a wrong type or an
    /// unknown name is an error, an unknown field is not.
    @Test func decodingIsTolerantAndExact() throws {
        var rng = SeededRandom(seed: 22)
        for _ in 0..<200 {
            var c = RunConfig()
            for s in RunConfig.settings {
                guard rng.next() % 3 == 0 else { continue }
                switch s.value {
                case .int(let k): c[keyPath: k] = Int(rng.next() % 1000)
                case .optionalInt(let k): c[keyPath: k] = rng.next() % 2 == 0 ? nil : Int(rng.next() % 1000)
                case .double(let k): c[keyPath: k] = Double(rng.next() % 10_000) / 977
                case .optionalDouble(let k): c[keyPath: k] = rng.next() % 2 == 0 ? nil : Double(rng.next() % 10_000 + 1) / 977
                case .bool(let k): c[keyPath: k] = rng.next() % 2 == 0
                case .seed(let k): c[keyPath: k] = rng.next()
                case .path(let k): c[keyPath: k] = rng.next() % 2 == 0 ? nil : "/data/x\(rng.next() % 9)"
                case .ints(let k): c[keyPath: k] = (0..<Int(rng.next() % 4)).map { _ in Int(rng.next() % 900) }
                case .choice(let ch): _ = ch.set(&c, ch.names[Int(rng.next() % UInt64(ch.names.count))])
                case .rule(let k):
                    let t = c[keyPath: k].trigger
                    let texts = ["off", "stop", "rewind,lr*0.5,max=\(rng.next() % 9 + 1)", "lr*0.\(rng.next() % 9 + 1)", "pause"]
                    c[keyPath: k] = try GuardRule(parsing: texts[Int(rng.next() % UInt64(texts.count))], for: t)
                }
            }
            let data = try JSONEncoder().encode(c)
            #expect(try JSONDecoder().decode(RunConfig.self, from: data) == c)
        }
        func decode(_ json: String) throws -> RunConfig { try JSONDecoder().decode(RunConfig.self, from: Data(json.utf8)) }
        var expected = RunConfig(); expected.optimizer.lr = 0.01; expected.latent = 3
        #expect(try decode(#"{"latent":3,"optimizer":{"lr":0.01},"gan":null,"someday":{"x":1}}"#) == expected)
        #expect(try decode(#"{"clip":{"maxNorm":0}}"#).clip.maxNorm == nil, "0 is how a writer says off")
        #expect(throws: DecodingError.self) { try decode(#"{"latent":"twenty"}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"optimizer":{"kind":"lion"}}"#) }
        #expect(throws: DecodingError.self) { try decode(#"{"optimizer":3}"#) }
    }

    /// The Python client's schema module is what `vaetop schema --python` prints (VAETOP_REGENERATE_DOCS=1 rewrites it).
    @Test func pythonSchemaModuleIsCurrent() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("clients/python/vaetop/schema.py").path
        if ProcessInfo.processInfo.environment["VAETOP_REGENERATE_DOCS"] != nil {
            try RunSchema.python.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == RunSchema.python, "clients/python/vaetop/schema.py is out of date: vaetop schema --python > clients/python/vaetop/schema.py")
        // The JSON inside parses and lists every setting, record kind and command.
        let json = try #require(text.components(separatedBy: "r\"\"\"").last?.components(separatedBy: "\"\"\"").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["settings"] as? [Any])?.count == RunConfig.settings.count)
        #expect((object["records"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == RunEvent.recordTypes.map { $0.kind })
        #expect((object["commands"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == RunCommand.Name.allCases.map(\.rawValue))
    }
}
