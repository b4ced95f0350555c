import Foundation
import Runs
import TerminalUI
import TestSupport
import Testing
@testable import Monitor

/// Renders every screen at a dense sample of sizes from 1×1 to 300×100 with empty, short and long runs and
/// 1 to 256 latent dimensions. A trap anywhere ends the test process, so passing means no size crashes.
@Suite struct RenderEverySizeTests {
    /// Widths and heights where layouts switch (panel splits, image scales, the minimum size) and the edges.
    static let edgeWidths = Array(0...12) + [29, 30, 31, 59, 60, 61, 79, 80, 81, 99, 100, 101] + Array(118...133)
        + [159, 160, 161, 199, 200, 201, 239, 240, 241, 299, 300]
    static let edgeHeights = Array(0...8) + [17, 18, 19, 23, 24, 25, 39, 40, 41] + Array(46...55) + [59, 60, 61, 69, 70, 71, 99, 100]

    /// A seeded sample of sizes across the whole range, plus the shipped sizes.
    static func sample(_ n: Int, seed: UInt64) -> [(Int, Int)] {
        var rng = SplitMix(seed: seed)
        var out = [(80, 24), (120, 40), (120, 50), (160, 48), (240, 70), (1, 1), (300, 100)]
        for _ in 0..<n { out.append((Int(rng.next() % 301), Int(rng.next() % 101))) }
        return out
    }

    static func state(mode: AppState.Mode, latent: Int, steps: Int, images: Bool = true) -> AppState {
        var s = AppState(mode: mode, width: 80, height: 24)
        var events = steps > 0 ? SyntheticRun.events(steps: steps, latent: latent) : [.header(SyntheticRun.header(latent: latent))]
        if !images { events.removeAll { if case .images = $0 { return true }; return false } }
        if steps > 0 && images && steps < 40 { events.append(.images(SyntheticRun.images(steps))) }
        _ = Reducer.reduce(&s, .events(events))
        let rows = (1...max(1, steps * 2)).map { SyntheticRun.step($0, latent: 1) }
        s.plan = SchedulePreview(lr: rows.map(\.lr), momentum: rows.map { $0.momentum ?? 0.9 }, beta: rows.map(\.beta))
        return s
    }

    static func render(_ base: AppState, sizes: [(Int, Int)]) {
        for (w, h) in sizes {
            var s = base
            _ = Reducer.reduce(&s, .resize(width: w, height: h))
            let g = Screen.render(s)
            #expect(g.width == max(0, w) && g.height == max(0, h))
        }
    }

    /// The default screen of a run with images, at every edge size (where the 120×50 image crash lived).
    @Test func liveScreenAtEveryEdgeSize() {
        let s = Self.state(mode: .live, latent: 20, steps: 200)
        var sizes: [(Int, Int)] = []
        for w in Self.edgeWidths { for h in Self.edgeHeights { sizes.append((w, h)) } }
        Self.render(s, sizes: sizes)
    }

    /// Every width from 1 to 300 at the tall heights, and every height from 1 to 100 at 120 and 121 columns.
    @Test func everyWidthAndEveryHeight() {
        let s = Self.state(mode: .live, latent: 32, steps: 120)
        var sizes: [(Int, Int)] = []
        for w in 1...300 { sizes.append((w, 50)); sizes.append((w, 51)) }
        for h in 1...100 { sizes.append((120, h)); sizes.append((121, h)) }
        Self.render(s, sizes: sizes)
    }

    @Test(arguments: [1, 2, 3, 7, 20, 64, 256])
    func latentSizes(latent: Int) {
        Self.render(Self.state(mode: .live, latent: latent, steps: 60), sizes: Self.sample(40, seed: UInt64(latent)))
    }

    @Test(arguments: [0, 1, 5, 2000])
    func runLengths(steps: Int) {
        Self.render(Self.state(mode: .live, latent: 20, steps: steps), sizes: Self.sample(40, seed: UInt64(steps) + 100))
    }

    @Test func emptyStateBeforeAnyHeader() {
        Self.render(AppState(mode: .live, width: 80, height: 24), sizes: Self.sample(60, seed: 7))
        Self.render(AppState(mode: .follow, width: 80, height: 24), sizes: Self.sample(30, seed: 8))
    }

    @Test(arguments: [AppState.Mode.replay, .follow])
    func replayAndWatch(mode: AppState.Mode) {
        var s = Self.state(mode: mode, latent: 20, steps: 200)
        if mode == .replay { _ = Reducer.reduce(&s, .replayStatus(ReplayStatus(position: 100, total: 200, speed: "10x", playing: true))) }
        Self.render(s, sizes: Self.sample(60, seed: 11))
        s.ascii = true
        Self.render(s, sizes: Self.sample(30, seed: 12))
    }

    @Test func zoomOfEveryPanelHelpAndPrompts() {
        let base = Self.state(mode: .live, latent: 20, steps: 200)
        for p in Panel.allCases {
            var s = base
            s.focus = p; s.zoomed = true
            Self.render(s, sizes: Self.sample(25, seed: UInt64(30 + p.number - 1)))
        }
        var help = base; help.showHelp = true
        Self.render(help, sizes: Self.sample(30, seed: 40))
        var typing = base; typing.input = String(repeating: "9", count: 40)
        Self.render(typing, sizes: Self.sample(30, seed: 41))
        var quit = base; quit.confirmQuit = true
        Self.render(quit, sizes: Self.sample(30, seed: 42))
        var flash = base; flash.flash = (String(repeating: "long message ", count: 40), .alert)
        Self.render(flash, sizes: Self.sample(30, seed: 43))
    }

    @Test func rangeTestScreen() {
        var s = AppState(mode: .rangeTest, width: 80, height: 24)
        let lrs = (0..<100).map { 1e-7 * pow(10, Double($0) / 12) }
        let losses = lrs.enumerated().map { 500 - Double($0.offset) * 3 + ($0.offset > 80 ? pow(2, Double($0.offset - 80)) : 0) }
        let live = RangeTestRecord(step: 0, mode: "exponential", start: 1e-7, end: 10, steps: 100, lrs: Array(lrs.prefix(30)),
                                   losses: Array(losses.prefix(30)), smoothed: Array(losses.prefix(30)), finished: false, diverged: false)
        _ = Reducer.reduce(&s, .events([.header(SyntheticRun.header()), .rangeTest(live)]))
        Self.render(s, sizes: Self.sample(40, seed: 50))
        let done = RangeTestRecord(step: 0, mode: "exponential", start: 1e-7, end: 10, steps: 100, lrs: lrs, losses: losses,
                                   smoothed: losses, finished: true, diverged: true, steepest: 1e-3, valley: 1e-3,
                                   minimumOverTen: 1e-2, cyclicBase: 1e-4, cyclicMax: 1e-2)
        _ = Reducer.reduce(&s, .events([.rangeTest(done)]))
        Self.render(s, sizes: Self.sample(40, seed: 51))
        let empty = RangeTestRecord(step: 0, mode: "linear", start: 1e-7, end: 10, steps: 100, lrs: [], losses: [], smoothed: [],
                                    finished: true, diverged: false)
        _ = Reducer.reduce(&s, .events([.rangeTest(empty)]))
        Self.render(s, sizes: Self.sample(20, seed: 52))
    }

    /// The images panel alone, every page, at every rectangle from 1×1 to 300×100 in steps, with MNIST-sized and
    /// odd images, with and without a traversal.
    @Test func imagesPanelAtEveryRectangle() {
        var g = Grid(width: 300, height: 100, fill: Cell(" ", Style()))
        var s = AppState(mode: .replay, width: 300, height: 100)
        for (rows, cols) in [(28, 28), (1, 1), (3, 5), (29, 27), (0, 28), (-3, 28), (28, -1), (Int.max, 2)] {
            let n = rows > 0 && cols > 0 && rows < 100 && cols < 100 ? rows * cols : 3
            let img = [UInt8](repeating: 200, count: n)
            for count in [1, 8] {
                let images = Array(repeating: img, count: count)
                let tr = ImageTraversal(dimension: 3, values: ImageTraversal.standardValues, test: Array(repeating: img, count: 7),
                                        prior: count == 1 ? [] : Array(repeating: img, count: 7))
                s.run.images = ImageRecord(step: 1, rows: rows, cols: cols, originals: images, reconstructions: images, samples: images,
                                           traversal: count == 8 ? tr : nil)
                for page in ImagesPage.allCases {
                    s.imagesPage = page
                    for w in stride(from: 1, through: 300, by: 37) {
                        for h in stride(from: 1, through: 100, by: 9) { Screen.imagesPanel(&g, Rect(x: 0, y: 0, width: w, height: h), s) }
                    }
                }
            }
        }
    }

    /// Digits at a size that can be read: at 160×48 two pairs at 14×14 pixels, at 240×70 six, never smaller than
    /// half size below 240 columns when two fit.
    @Test func imagesPanelShowsFewerLargerDigits() {
        let inner160 = Rect(x: 0, y: 0, width: 65, height: 10), inner240 = Rect(x: 0, y: 0, width: 99, height: 17)
        let a = Screen.imageLayout(inner160, rows: 28, cols: 28, perGroup: 2, groups: 8, extraRows: 0, gap: 2)!
        #expect(a.scale == 2 && a.across * a.down == 2)
        let b = Screen.imageLayout(inner240, rows: 28, cols: 28, perGroup: 2, groups: 8, extraRows: 0, gap: 2)!
        #expect(b.scale == 2 && b.across * b.down == 6)
    }
}

/// A tiny seeded generator for test sampling.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The bounded history of a long run: memory stays put, recent steps stay exact, every spike survives.
@Suite struct HistoryThinningTests {
    @Test func longRunsKeepABoundedHistoryWithEverySpike() {
        var view = RunView()
        view.apply(.header(SyntheticRun.header(latent: 4)))
        let n = RunView.historyCapacity * 5 + 123
        let spikes = Set([1_000, 77_777, 200_001, n - 10])
        for s in 1...n {
            var m = SyntheticRun.step(1, latent: 4)
            m.step = s
            m.loss = spikes.contains(s) ? 1e6 : Float(100 + s % 7)
            m.klDims = [Float(s % 3), 1, spikes.contains(s) ? -5 : 2, 3]
            view.apply(.step(m))
        }
        #expect(view.steps.count < RunView.historyCapacity)
        #expect(view.thinned > 0)
        for s in view.series where !s.isEmpty { #expect(s.count == view.steps.count) }
        #expect(view.klDims.count == view.steps.count && view.smoothed.loss.count == view.steps.count)
        #expect(zip(view.steps, view.steps.dropFirst()).allSatisfy { $0 < $1 }, "steps stay ascending")
        // Each spike is still there, within a few steps of where it was.
        // Each spike is still there, drawn at most a few points (of the thinned spacing there) from where it was.
        for s in spikes {
            let i = view.steps.lastIndex { $0 <= Double(s) } ?? 0
            let window = max(0, i - 4)...min(view.steps.count - 1, i + 4)
            #expect(window.contains { view.loss[$0] == 1e6 }, "spike at \(s) near \(view.steps[i])")
            #expect(window.contains { view.klDims[$0][2] == -5 }, "KL dip at \(s)")
        }
        // The most recent quarter of the capacity is exact.
        let recent = RunView.historyCapacity / 4
        #expect(Array(view.steps.suffix(recent)) == (n - recent + 1...n).map(Double.init))
    }
}

/// Typed values: whatever is typed for whichever knob, only a valid change is ever sent, and the screen draws.
@Suite struct TypedValueFuzzTests {
    @Test func randomTypingSendsOnlyValidChanges() {
        var rng = SplitMix(seed: 42)
        let alphabet = Array("0123456789.-+eE ½٣x")
        let fixed = ["1e400", "-0", "nan", "inf", "1e-400", "4097", "0.0000001", "99999999999999999999999", "--1", "1e", ".", "+.5e-3", "128", "4096.5"]
        var base = RenderEverySizeTests.state(mode: .live, latent: 4, steps: 30)
        base.width = 120; base.height = 40
        for i in 0..<600 {
            var s = base
            for _ in 0..<Int(rng.next() % 7) { _ = Reducer.reduce(&s, .key(.down)) }
            _ = Reducer.reduce(&s, .key(.enter))
            let text = i < fixed.count ? Array(fixed[i]) : (0..<Int(rng.next() % 30)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            for c in text { _ = Reducer.reduce(&s, .key(.char(c))) }
            for effect in Reducer.reduce(&s, .key(.enter)) {
                if case .command(.set(let p, let v)) = effect { #expect(p.problem(with: v) == nil, "sent \(p) = \(v) from '\(String(text))'") }
            }
            _ = Screen.render(s)
        }
    }
}
