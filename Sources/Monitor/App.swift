import Foundation
import Runs
import TerminalUI

/// The main loop: drain events → reduce; poll input until the next frame → reduce; render changed cells.
public final class App {
    public private(set) var state: AppState
    let backend: TerminalBackend
    let source: EventSource
    let loadTheme: (String) -> (Theme, String?)
    let interrupted: () -> Bool
    /// Finds (and makes) the folder a fork from the replay would train into; nil where forking is not possible.
    public var prepareFork: ((Int) -> Result<String, ForkRefusal>)?
    /// Frame interval in milliseconds (~30 frames per second at most).
    public static let frameMilliseconds = 33
    /// How long a message stays in the status area without a key (an undo's answer, a refusal).
    public static let flashSeconds = 8.0
    private var previous: Grid?
    /// Seconds since the loop started (injectable: a test drives time instead of sleeping).
    let clock: () -> Double

    public init(state: AppState, backend: TerminalBackend, source: EventSource,
                loadTheme: @escaping (String) -> (Theme, String?), interrupted: @escaping () -> Bool,
                clock: (() -> Double)? = nil) {
        self.state = state; self.backend = backend; self.source = source
        self.loadTheme = loadTheme; self.interrupted = interrupted
        let start = Date()
        self.clock = clock ?? { Date().timeIntervalSince(start) }
        let size = backend.size
        self.state.width = size.width; self.state.height = size.height
    }

    private var now: Double { clock() }

    /// Dispatches an action and carries out its effects.
    public func dispatch(_ action: Action) {
        for effect in Reducer.reduce(&state, action) {
            switch effect {
            case .command(let c): (source as? CommandTarget)?.send(c)
            case .replay(let c): (source as? ReplayTransport)?.control(c, now: now)
            case .loadTheme(let name):
                let (theme, problem) = loadTheme(name)
                dispatch(.themeLoaded(theme, problem: problem))
            case .quit: state.quitting = true
            case .choose(let c): state.choice = c; state.quitting = true
            case .prepareFork(let at, let checkpoint):
                let answer = prepareFork.map { $0(at) } ?? .failure(ForkRefusal("this screen cannot start training"))
                dispatch(.forkPrepared(at: at, checkpoint: checkpoint, answer))
            case .fork(let step, let folder): state.forkAt = step; state.forkFolder = folder; state.quitting = true
            }
        }
    }

    /// Runs until the user quits (or the run stops after an interrupt). Returns the final state.
    @discardableResult
    public func run() -> AppState {
        var dirty = true
        var lastFrame = -1.0
        var interruptSent = false
        var flashSince = 0.0, flashText: String?
        while !state.quitting {
            if interrupted() && !interruptSent { interruptSent = true; dispatch(.interrupt); dirty = true }
            switch source.poll(now: now) {
            case .none: break
            case .events(let e): dispatch(.events(e)); dirty = true
            case .reset(let e): dispatch(.reset(e)); dirty = true
            }
            for (i, u) in source.pollCompared(now: now) {
                switch u {
                case .none: break
                case .events(let e): dispatch(.comparedEvents(i, e)); dirty = true
                case .reset(let e): dispatch(.comparedReset(i, e)); dirty = true
                }
            }
            if let r = source.status, r != state.replay { dispatch(.replayStatus(r)); dirty = true }
            let liveness = source.liveness
            if liveness != state.liveness { dispatch(.liveness(liveness)); dirty = true }
            if state.quitting { break }
            let t = now
            if let text = state.flash?.text {
                if text != flashText { flashText = text; flashSince = t } else if t - flashSince >= Self.flashSeconds {
                    dispatch(.flashExpired); dirty = true; flashText = nil
                }
            } else { flashText = nil }
            if dirty && t - lastFrame >= Double(Self.frameMilliseconds) / 1000 {
                let grid = Screen.render(state)
                backend.draw(grid, previous: previous)
                previous = grid
                lastFrame = t
                dirty = false
            }
            let wait = dirty ? max(1, Self.frameMilliseconds - Int((now - lastFrame) * 1000)) : Self.frameMilliseconds
            if let input = backend.poll(milliseconds: wait) {
                switch input {
                case .key(let k): dispatch(.key(k))
                case .mouse(let m): dispatch(.mouse(m))
                case .resize(let w, let h): dispatch(.resize(width: w, height: h)); previous = nil
                }
                dirty = true
            }
        }
        return state
    }
}
