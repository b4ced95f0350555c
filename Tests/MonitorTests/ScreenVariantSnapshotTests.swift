import Foundation
import Runs
import TerminalUI
import TestSupport
import Testing
@testable import Monitor

/// The default, collapse, ASCII and no-colour screens at the four sizes a researcher's terminal has, as text snapshots.
@Suite struct ScreenVariantSnapshotTests {
    static let sizes = [(80, 24), (120, 40), (160, 48), (240, 70)]
    static let variants = ["default", "collapse", "ascii", "nocolor"]

    /// The synthetic run in a variant: collapse is 32 dimensions at step 320 (a third of them faded to nothing), with
    /// the KL panel focused, sorted by KL and a dimension selected.
    static func state(_ variant: String, width: Int, height: Int) -> AppState {
        var s = AppState(mode: .live, width: width, height: height, ascii: variant == "ascii")
        let latent = variant == "collapse" ? 32 : 20
        _ = Reducer.reduce(&s, .events(SyntheticRun.events(steps: variant == "collapse" ? 320 : 200, latent: latent)))
        let rows = (1...400).map { SyntheticRun.step($0) }
        s.plan = SchedulePreview(lr: rows.map(\.lr), momentum: rows.map { $0.momentum ?? 0.9 }, beta: rows.map(\.beta))
        if variant == "nocolor" { s.colorDepth = 0 }
        if variant == "collapse" {
            for k in [Key.char("4"), .char("s"), .down, .down] { _ = Reducer.reduce(&s, .key(k)) }
        }
        return s
    }

    @Test(arguments: variants)
    func variantAtEverySize(variant: String) {
        for (w, h) in Self.sizes {
            let grid = Screen.render(Self.state(variant, width: w, height: h)), lines = grid.lines
            let problem = Snapshot.check(grid, named: "\(variant)-\(w)x\(h)")
            #expect(problem == nil, "\(problem ?? "")")
            let status = lines[0], hints = lines[h - 1]
            // What must never go: lr, β and λ in the status line; help and quit in the hint line.
            let (beta, lambda) = variant == "ascii" ? ("beta ", "lambda ") : ("β ", "λ ")
            #expect(status.contains("lr ") && status.contains(beta) && status.contains(lambda), "\(variant) \(w)×\(h): \(status)")
            #expect(hints.contains("? help") && hints.contains("q quit"), "\(variant) \(w)×\(h): \(hints)")
            if variant == "ascii" { #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy { $0.value < 0x80 || (0x2500...0x28FF).contains($0.value) } }) }
        }
    }

    @Test func collapseIsReadableWithoutZooming() {
        let s = Self.state("collapse", width: 120, height: 40)
        let text = Screen.render(s).lines.joined(separator: "\n")
        let collapsed = s.run.lastEval!.collapsed.count
        #expect(collapsed > 5)
        // The count with its criterion, the legend, and each dimension's own label.
        #expect(text.contains("coll \(collapsed)/32 KL<0.01") || text.contains("collapsed \(collapsed)/32 (test KL<0.01)"))
        #expect(text.contains("× <0.01") && text.contains("nats"))
        // Sorted by KL, largest first: the collapsed dimensions are at the end of the order.
        let order = s.dimensionOrder, kl = s.run.lastStep!.klDims
        #expect(zip(order, order.dropFirst()).allSatisfy { kl[$0] >= kl[$1] })
    }

    @Test func noColourShadesWithCharactersAndLettersTheLines() {
        let text = Screen.render(Self.state("nocolor", width: 160, height: 48)).lines.joined(separator: "\n")
        #expect(text.contains("T total") && text.contains("R recon") && text.contains("K KL"))
        #expect(!text.contains("▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀"))   // the heatmap is a character ramp, not blank blocks
        #expect(Heatmap.ramp.dropFirst().contains { text.unicodeScalars.contains($0) })
    }
}
