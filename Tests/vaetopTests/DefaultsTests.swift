import ArgumentParser
import Runs
import TestSupport
import Testing
@testable import vaetop

/// The command line is tested against the settings table: no default of its own, every row's flag exists with the
/// row's help, and every flag refuses a value just past the bound the table (and so `vaetop schema`) declares.
@Suite struct DefaultsTests {
    @Test func noFlagsMeansTheConfigurationDefaults() throws {
        let options = try TrainingOptions.parse([])
        #expect(try options.makeConfig() == RunConfig())
    }

    /// The flags `--help` lists for the training options are exactly the table's, each with the row's help line.
    @Test func flagsAreTheTablesWithItsHelp() {
        let help = TrainingOptions.helpMessage(columns: 100_000)
        // An option's line starts with its flag ("  --lr <lr>  Learning rate; …").
        let listed = Set(help.split(separator: "\n").compactMap { line -> String? in
            let t = line.drop { $0 == " " }
            guard t.hasPrefix("--"), line.hasPrefix("  ") else { return nil }
            return String(t.prefix { $0 != " " })
        })
        let table = Set(RunConfig.settings.compactMap(\.flag))
        #expect(listed.subtracting(["--help"]) == table, "not in the table: \(listed.subtracting(table).sorted()); no flag: \(table.subtracting(listed).sorted())")
        for s in RunConfig.settings where s.flag != nil {
            #expect(help.contains(s.helpWithRange), "\(s.flag!): help is not the table's '\(s.helpWithRange)'")
        }
    }

    /// What makeConfig says about these flags (nil: accepted; else the flag it names, or the parser's error).
    static func refusal(_ args: [String]) -> String? {
        do {
            _ = try TrainingOptions.parse(args).makeConfig()
            return nil
        } catch let e as ConfigError {
            return e.flag
        } catch {
            return "parse: \(error)"
        }
    }

    /// A number as the flag's type takes it.
    static func text(_ s: Setting, _ v: Double) -> String {
        switch s.value {
        case .int, .optionalInt: return String(Int(v))
        default: return "\(v)"
        }
    }

    /// The values at every bound are accepted: all the lower ends in one command line, all the upper ends in another.
    @Test func everyFlagAcceptsItsEnds() {
        for end in 0..<2 {
            var args: [String] = []
            for s in RunConfig.settings {
                guard let flag = s.flag else { continue }
                switch s.value {
                case .ints: args += [flag, s.bound == .widths ? (end == 0 ? "1" : "16384,16384") : (end == 0 ? "0" : "3,5")]
                case .choice(let ch): args += [flag, end == 0 ? ch.names.first! : ch.names.last!]
                default:
                    let ok = SettingProbe.values(s.bound).accepted
                    if !ok.isEmpty { args += [flag, Self.text(s, end == 0 ? ok.first! : ok.last!)] }
                }
            }
            #expect(Self.refusal(args) == nil, "\(args.joined(separator: " ")): \(Self.refusal(args) ?? "")")
        }
    }

    /// Just past every bound: refused, naming the flag (one case per setting, so they run in parallel).
    @Test(arguments: RunConfig.settings.filter { $0.flag != nil }.map(\.name))
    func everyFlagRefusesJustPastItsBound(name: String) {
        let s = RunConfig.setting(name), flag = s.flag!
        switch s.value {
        case .ints: #expect(Self.refusal([flag, s.bound == .widths ? "400,16385" : "5,3"]) == flag)
        case .choice: #expect(Self.refusal([flag, "no-such-\(flag.dropFirst(2))"])?.hasPrefix("parse") == true)
        default:
            for v in SettingProbe.values(s.bound).refused {
                #expect(Self.refusal([flag, Self.text(s, v)]) == flag, "\(flag) \(Self.text(s, v)) accepted")
            }
        }
    }
}
