import Foundation
import Runs
import TerminalUI
import TestSupport
import Testing
@testable import Monitor

/// Whole screens rendered from a fixed synthetic run, compared with stored text snapshots.
@Suite struct ScreenSnapshotTests {
    func state(_ w: Int, _ h: Int, steps: Int = 200, mode: AppState.Mode = .live) -> AppState {
        var s = AppState(mode: mode, width: w, height: h)
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: steps)))
        // The synthetic run's own curves, continued to 400 planned steps.
        let rows = (1...400).map { SyntheticRun.step($0) }
        s.plan = SchedulePreview(lr: rows.map(\.lr), momentum: rows.map { $0.momentum ?? 0.9 }, beta: rows.map(\.beta))
        return s
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)])
    func liveScreen(width: Int, height: Int) {
        let g = Screen.render(state(width, height))
        #expect(g.width == width && g.height == height)
        let problem = Snapshot.check(g, named: "live-\(width)x\(height)")
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test func typingAndFlashAndZoom() {
        var s = state(120, 40)
        _ = Reducer.reduce(&s, .key(.enter))
        for c in "0.002" { _ = Reducer.reduce(&s, .key(.char(c))) }
        #expect(Snapshot.check(Screen.render(s), named: "typing-120x40") == nil)
        _ = Reducer.reduce(&s, .key(.escape))
        _ = Reducer.reduce(&s, .key(.char("4"))); _ = Reducer.reduce(&s, .key(.char("z")))
        #expect(Snapshot.check(Screen.render(s), named: "zoom-kl-120x40") == nil)
    }

    @Test func helpAndQuitConfirmation() {
        var s = state(120, 40)
        _ = Reducer.reduce(&s, .key(.char("?")))
        let help = Screen.render(s).lines.joined(separator: "\n")
        #expect(help.contains("type an exact value") && help.contains("replay"))
        _ = Reducer.reduce(&s, .key(.char("?")))
        _ = Reducer.reduce(&s, .key(.char("q")))
        #expect(Screen.render(s).lines.last!.contains("Stop it (final evaluation + checkpoint) and quit? y / n"))
    }

    @Test func replayAndASCII() {
        var s = state(120, 40, mode: .replay)
        _ = Reducer.reduce(&s, .replayStatus(ReplayStatus(position: 200, total: 400, speed: "10x", playing: true)))
        s.ascii = true
        let g = Screen.render(s)
        #expect(g.lines[0].contains("> 10x | 200/380"))
        // ASCII mode: nothing outside ASCII (β, λ and the like in labels aside).
        #expect(g.lines.joined().unicodeScalars.allSatisfy { $0.isASCII || "βλ·…".unicodeScalars.contains($0) })
        #expect(Snapshot.check(g, named: "replay-ascii-120x40") == nil)
    }

    /// Another program's run that logs only the loss: the other charts say so, greyed out.
    @Test func panelsWithoutDataAreGreyedInReplay() {
        var s = AppState(mode: .follow, width: 120, height: 40)
        var c = RunConfig(); c.latent = 2
        let h = RunHeader(name: "ext", created: "", config: c, layers: [], parameters: 0, trainImages: 0, testImages: 0, stepsPerEpoch: 3)
        let steps = (1...3).map { RunEvent.step(StepMetrics(step: $0, epoch: 1, loss: Float(10 - $0), recon: .nan, kl: .nan, klDims: [],
                                                            beta: .nan, lr: .nan, gradNorm: .nan, gradNormClipped: .nan,
                                                            layerGradNorms: [], batchSize: 0, samplesPerSecond: 0, time: 0)) }
        _ = Reducer.reduce(&s, .events([.header(h)] + steps))
        let text = Screen.render(s).lines.joined(separator: "\n")
        #expect(text.contains("this run does not log learning ra") && text.contains("not logged"))
        #expect(!text.contains("this run does not log loss"))
        var live = AppState(mode: .live, width: 120, height: 40)
        _ = Reducer.reduce(&live, .events([.header(h)]))
        #expect(!Screen.render(live).lines.joined().contains("does not log"))
    }

    /// A VAE-GAN run: the loss and β panels show the three objectives and the discriminator's outputs.
    @Test func vaeGANPanels() {
        var s = AppState(mode: .live, width: 120, height: 40)
        var c = RunConfig(); c.model = .vaeGAN; c.latent = 2
        let h = RunHeader(name: "gan", created: "", config: c, layers: ["encoder", "decoder", "discriminator"], parameters: 0,
                          trainImages: 0, testImages: 0, stepsPerEpoch: 10)
        var m = SyntheticRun.step(1, latent: 2)
        m.layerGradNorms = [1, 2, 3]
        m.gan = GANStepMetrics(encoderLoss: 5, decoderLoss: 1, discriminatorLoss: 2, featureRecon: 4, dReal: 0.6, dFake: 0.3, dPrior: 0.2,
                               gradNormEncoder: 1, gradNormDecoder: 2, gradNormDiscriminator: 3, discriminatorUpdated: true,
                               decoderUpdated: true, gamma: 1, discriminatorLR: 1e-4)
        _ = Reducer.reduce(&s, .events([.header(h), .step(m)]))
        let text = Screen.render(s).lines.joined(separator: "\n")
        #expect(text.contains("losses: encoder, decoder, discriminator") && text.contains("discriminator outputs"))
        #expect(text.contains("D(x) 0.6") && text.contains("D(G(z)) 0.3"))
        #expect(text.contains("γ (feature reco") && text.contains("disc lr") && text.contains("discriminator"))
        #expect(!text.contains("free bits λ"))
    }

    @Test(arguments: [(10, 5), (1, 1), (59, 30), (0, 0)])
    func tooSmallSaysSo(width: Int, height: Int) {
        let g = Screen.render(state(width, height))
        #expect(g.width == width && g.height == height)
        if width >= 30 && height >= 3 { #expect(g.lines.joined().contains("too small")) }
    }

    @Test func everyShippedSizeShowsEveryPanel() {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let text = Screen.render(state(w, h)).lines.joined(separator: "\n")
            for p in Panel.allCases {
                #expect(text.contains("\(p.number) \(p.title.prefix(6))") || text.contains("\(p.number) \(p.shortTitle) "), "\(w)x\(h) lacks \(p)")
            }
        }
    }
}
