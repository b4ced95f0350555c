import Foundation
import Runs
import TestSupport
import Testing

/// The guards from the command line (docs/guards.md): the default rule repairs a diverging run, `stop` keeps the
/// old behaviour, every flag parses into the header, a bad rule is one line, and a collapse-prone run records its
/// firings.
@Suite(.serialized) struct GuardEndToEndTests {
    static func records(_ run: String) throws -> [RunEvent] { try RunFileReader.read(run).events }

    /// SGD at the default lr diverges at step 3: the diverge rule rewinds and halves the lr until it trains, and the
    /// run finishes with exit 0, a finite test loss, and the guard's changes and rewinds in its run file.
    @Test func sgdDivergesAndTheDefaultRuleRepairsIt() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["train", "--headless", "--optimizer", "sgd", "--epochs", "2", "--out", dir.file("run")])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("finished after 72 steps") && r.stdout.contains("guards: diverge rewind,lr*0.5,max=3 fired"), "\(r.stdout)")
        let events = try Self.records(dir.file("run"))
        let changes = events.compactMap { if case .change(let c) = $0, c.origin == .guardRule { c } else { nil } }
        let rewinds = events.compactMap { if case .rewind(let w) = $0 { w } else { nil } }
        #expect(!changes.isEmpty && changes.allSatisfy { $0.parameter == .lr && $0.rule == "diverge: rewind,lr*0.5,max=3" })
        #expect(zip(changes, changes.dropFirst()).allSatisfy { ($1.new ?? 1) < ($0.new ?? 0) }, "each firing halves the lr")
        #expect(rewinds.count == changes.count && rewinds.allSatisfy { $0.reason == .guardRule })
        let end = events.compactMap { if case .end(let s) = $0 { s } else { nil } }.last
        #expect(end?.reason == .finished && end?.testLoss?.isFinite == true)

        // Without a repair: pause as before, and exit 3 headless.
        let stop = try Binary.run(["train", "--headless", "--optimizer", "sgd", "--epochs", "2", "--on-diverge", "stop", "--out", dir.file("stop")])
        #expect(stop.status == 3 && stop.stderr.contains("training diverged at step 3"), "\(stop.stderr)")
    }

    /// All four flags parse and travel in the header's config as their rules' normalised text.
    @Test func everyFlagParsesIntoTheHeader() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["train", "--headless", "--epochs", "1", "--encoder", "32", "--latent", "4", "--out", dir.file("run"),
                                "--on-diverge", "rewind,lr*0.25,max=5", "--on-spike", "rewind, skip=200, k=4",
                                "--on-collapse", "free-bits+0.05,max=4", "--on-plateau", "lr*0.5,patience=3"])
        #expect(r.status == 0, "\(r.stderr)")
        let h = try RunFileReader.read(dir.file("run")).header
        #expect(h.config.guards.diverge.text == "rewind,lr*0.25,max=5" && h.config.guards.spike.text == "rewind,skip=200,max=3,k=4")
        #expect(h.config.guards.collapse.text == "free-bits+0.05,max=4" && h.config.guards.plateau.text == "lr*0.5,max=3,patience=3")
    }

    /// A rule that cannot be read: one line naming the flag and the part, exit 64, nothing written.
    @Test(arguments: [("--on-spike", "rewind,skip=2OO", "'skip=2OO': a whole number"), ("--on-diverge", "explode", "unknown part 'explode'"),
                      ("--on-plateau", "k=3,lr*0.5", "'k=3' does not apply to --on-plateau"),
                      ("--on-collapse", "restart-cycle", "needs --beta-schedule cyclical")])
    func badRuleIsOneLineExit64NothingWritten(flag: String, rule: String, says: String) throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["train", "--headless", flag, rule], in: dir.path)
        #expect(r.status == 64 && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("vaetop: error: \(flag): ") && r.stderr.contains(says), "\(r.stderr)")
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)).isEmpty, "nothing written")
    }

    /// A collapse-prone run (32 Gaussian dimensions) with the collapse rule: its firings are free-bits changes from the
    /// guard, each with an alert numbered in order, and the summary lists them.
    @Test func collapseProneRunRecordsItsFirings() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let r = try Binary.run(["train", "--headless", "--latent", "32", "--likelihood", "gaussian", "--epochs", "2",
                                "--on-collapse", "free-bits+0.05,max=4", "--out", dir.file("run")])
        #expect(r.status == 0, "\(r.stderr)")
        let events = try Self.records(dir.file("run"))
        let changes = events.compactMap { if case .change(let c) = $0, c.origin == .guardRule { c } else { nil } }
        #expect(!changes.isEmpty && changes.count <= 4 && changes.allSatisfy { $0.parameter == .freeBits && $0.reason?.contains("collapsed") == true })
        let firings = events.compactMap { if case .alert(let a) = $0, a.guardTrigger == "collapse" { a.guardFiring } else { nil } }
        #expect(firings == Array(1...changes.count))
        #expect(r.stdout.contains("  guard collapse at step 36: free bits λ 0 → 0.05 (1 of 4)"), "\(r.stdout)")
    }
}
