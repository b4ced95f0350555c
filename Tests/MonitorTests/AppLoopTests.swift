import Monitor
import Runs
import TerminalUI
import Testing
@testable import EventSources

/// A terminal for tests: a script of inputs (one per poll, each after `pollsBetween` empty polls) and every frame
/// drawn; its polls advance the injected clock instead of waiting.
final class TestBackend: TerminalBackend {
    let size: (width: Int, height: Int)
    let colorDepth = 1 << 24
    let unicode = true
    var script: [BackendInput]
    var frames: [Grid] = []
    var clock = 0.0
    var polls = 0
    let pollsBetween: Int

    init(width: Int, height: Int, script: [BackendInput], pollsBetween: Int = 3) {
        size = (width, height); self.script = script; self.pollsBetween = pollsBetween
    }

    func poll(milliseconds: Int) -> BackendInput? {
        clock += Double(milliseconds) / 1000
        polls += 1
        guard polls % pollsBetween == 0, !script.isEmpty else { return nil }
        return script.removeFirst()
    }

    func draw(_ grid: Grid, previous: Grid?) { frames.append(grid) }
}

/// The app loop itself (poll the source, reduce, render, read input) on a test backend and an injected clock: a
/// replay plays by the clock, keys reach the reducer in order, frames are drawn and the loop ends on q.
@Suite struct AppLoopTests {
    @Test func aReplayPlaysByTheClockAndTheKeysDriveIt() {
        let events = SyntheticRun.events(steps: 200)
        let backend = TestBackend(width: 120, height: 40, script: [
            .key(.char("4")), .key(.down), .key(.char("?")), .key(.escape), .resize(width: 100, height: 30), .key(.end),
            .key(.char("q")),
        ])
        let source = ReplaySource(events: events)
        let app = App(state: AppState(mode: .replay, width: 1, height: 1), backend: backend, source: source,
                      loadTheme: { _ in (.builtin, nil) }, interrupted: { false }, clock: { backend.clock })
        let final = app.run()
        #expect(final.quitting)
        #expect(final.focus == .kl && final.selectedDimension == 1, "4 then ↓ selected z01")
        #expect(!final.showHelp, "? opened the help, esc closed it")
        #expect(final.width == 100 && final.height == 30, "the resize reached the state")
        #expect(final.run.steps.count == 200, "End played the whole run")
        #expect(backend.frames.count >= 3)
        #expect(backend.frames.contains { $0.lines.joined().contains("keys") }, "a frame showed the help overlay")
        #expect(backend.frames.last?.width == 100 && backend.frames.last?.height == 30)
    }
}
