import Foundation
import Runs
import TerminalUI
import Testing
@testable import Monitor

/// Every claim sample-runs/README.md makes about a sample run is visible on the screen that replays it to the end.
@Suite struct SampleRunClaimsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-runs")

    /// The replay of a sample run, played to its end, at a size.
    static func replayed(_ name: String, width: Int = 160, height: Int = 48) throws -> AppState {
        let contents = try RunFileReader.read(root.appendingPathComponent(name).path)
        var s = AppState(mode: .replay, width: width, height: height, runName: name)
        _ = Reducer.reduce(&s, .events([.header(contents.header)] + contents.events))
        return s
    }

    /// The README's line about a sample run.
    static func readmeLine(_ name: String) throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        return try #require(text.split(separator: "\n").first { $0.hasPrefix("- `\(name)`") }.map(String.init), "no README line for \(name)")
    }

    /// (README fragment, text the screen must show) for each sample run; `extra` checks what text cannot say.
    static let claims: [(run: String, claims: [(readme: String, screen: String)])] = [
        ("no-annealing", [("23 of 32 end collapsed", "collapsed 23/32"), ("test KL < 0.01 nats", "(test KL<0.01)")]),
        ("linear-warmup", [("17 collapse", "collapsed 17/32"), ("from 0 to 1", "β 1")]),
        ("cyclical-annealing", [("18 collapse", "collapsed 18/32"), ("AU 14/32", "AU 14/32")]),
        ("free-bits", [("λ = 0.1", "λ 0.1"), ("none collapses", "collapsed 0/32"), ("dotted λ column", "┊ λ 0.1"),
                       ("KL raw against the objective", "KL raw")]),
        ("capacity-annealing", [("C growing from 0 to 8 nats", "C 8 nats"), ("γ = 50", "γ 50"),
                                ("the β chart shows C and the KL", "capacity C and KL"), ("only 2 dimensions collapse", "collapsed 2/32")]),
        ("lr-find-onecycle", [("steepest 1.1e-3", "steepest 1.097e-03"), ("valley 6.3e-4", "valley 6.280e-04"),
                              ("all 32 dimensions collapse", "collapsed 32/32"), ("I(x; z) ends at 0.09 nats", "MI 0.09"),
                              ("test loss (27.4)", "test 27.43")]),
        ("vae-gan", [("encoder, decoder and discriminator objectives", "losses: encoder, decoder, discriminator"),
                     ("D(x), D(G(z)) and D(prior)", "D(G(z)) 0.39")]),
        ("undo-and-rewind", [("branch 2", "branch 2 · 2 ghosts"), ("lr 10 typed at step 301", "lr 0.001 → 10"),
                             ("β is set to 0.5", "β 1 → 0.5")]),
        ("interactive", [("raise the lr three times", "lr 0.001563 → 0.001953"), ("β overridden to 0.3 at step 738", "β 1 → 0.3"),
                         ("cleared at step 1,327", "β 0.3 → 1")]),
    ]

    @Test(arguments: claims.map(\.run))
    func readmeClaimIsOnScreen(run: String) throws {
        let claims = try #require(Self.claims.first { $0.run == run }).claims
        let line = try Self.readmeLine(run)
        let s = try Self.replayed(run)
        // The whole screen, and the event log in full (the log panel shows its newest lines).
        let screen = Screen.render(s).lines.joined(separator: "\n")
        let log = s.run.log.map { "\($0.step) \($0.text)" }.joined(separator: "\n")
        for claim in claims {
            #expect(line.contains(claim.readme), "the README no longer says '\(claim.readme)' about \(run): \(line)")
            #expect(screen.contains(claim.screen) || log.contains(claim.screen), "\(run): '\(claim.screen)' is not on the screen for '\(claim.readme)'")
        }
    }

    @Test func everySampleRunHasClaims() throws {
        let runs = try FileManager.default.contentsOfDirectory(atPath: Self.root.path).filter {
            FileManager.default.fileExists(atPath: Self.root.appendingPathComponent($0).appendingPathComponent("run.jsonl").path)
        }
        #expect(Set(runs) == Set(Self.claims.map(\.run)))
    }

    /// The numbers the charts must show, beyond text: the warm-up's β ramp and the VAE-GAN's D outputs.
    @Test func chartedValuesMatchTheClaims() throws {
        let warmup = try Self.replayed("linear-warmup").run
        let at = { (step: Double) in warmup.beta[SeriesIndex.count(warmup.steps, atMost: step) - 1] }
        #expect(abs(at(540) - 0.5) < 0.01 && abs(at(1080) - 1) < 0.01)
        let gan = try Self.replayed("vae-gan").run
        for d in [gan.dReal.last!, gan.dFake.last!, gan.dPrior.last!] { #expect((0.35...0.45).contains(d)) }   // "near 0.4"
        // Free bits: the README's count of dimensions whose raw KL ends below λ.
        let free = try Self.replayed("free-bits").run
        #expect(free.lastStep!.klDims.filter { $0 < 0.1 }.count == 12)
    }
}
