import ArgumentParser
import CursesBackend
import EventSources
import Foundation
import Monitor
import RunControl
import Runs
import TerminalUI
import Training

/// Flags of the screen (train and replay).
struct ScreenOptions: ParsableArguments {
    @Option(help: "Theme name (in themes/) or path to a .theme file.") var theme: String = "default"
    @Flag(help: "Draw with ASCII only (no braille or block characters).") var ascii = false

    /// Loads the starting theme; a problem is returned for the screen to show.
    func startingTheme(_ library: ThemeLibrary) -> (Theme, String?) {
        let (t, e) = library.load(theme)
        return (t, e?.description)
    }
}

/// Builds the schedule preview the charts draw dimmed.
func schedulePreview(_ header: RunHeader) -> SchedulePreview {
    let plan = SchedulePlan(config: header.config, trainImages: header.trainImages)
    let rows = plan.rows(steps: min(plan.plannedSteps, 2_000_000))
    return SchedulePreview(lr: rows.map(\.lr), momentum: rows.map(\.momentum), beta: rows.map(\.beta))
}

/// Trains on its own thread while the screen runs on this one; prints the summary after the terminal is restored.
func trainOnScreen(_ trainer: Trainer, backend: CursesTerminal, resumed: Bool, options: ScreenOptions,
                   before: [RunEvent] = [], initial: [RunCommand] = []) throws {
    installStopSignalHandlers()
    let header = trainer.runHeader
    for e in before { trainer.record(e) }
    let link = TrainerWorker.start(trainer, resumed: resumed, initial: initial, interruption: stopReason)
    // If the screen crashes, the trainer still writes its final evaluation, checkpoint and end record (5 s at most).
    CrashGuard.afterRestore = { signal in
        stopSignal.store(signal, ordering: .relaxed)
        link.waitUntilFinished(seconds: 5)
    }
    defer { CrashGuard.afterRestore = nil }
    let final = runScreen(backend: backend, source: LiveSource(link: link), mode: .live, options: options,
                          runName: header.name, plan: schedulePreview(header), finished: { link.finished })
    // The trainer writes its final evaluation, checkpoint and end record before it exits.
    if !link.finished { link.send(.stop) }
    link.waitUntilFinished()
    let dir = trainer.directory ?? "-"
    if let e = final.run.end {
        print(String(format: "%@ after %d steps: test loss %.2f nats/image, active units %@, %.0f samples/s; run saved in %@",
                     e.reason.rawValue, e.step, e.testLoss ?? .nan, e.activeUnits.map(String.init) ?? "?", e.samplesPerSecond, dir))
    } else {
        print("run saved in \(dir)")
    }
    try exitStatus(of: trainer, summary: final.run.end)
}

/// Runs the screen on a backend until the user quits; restores the terminal unless `keepTerminal`.
func runScreen(backend: CursesTerminal, source: EventSource, mode: AppState.Mode, options: ScreenOptions,
               runName: String, plan: SchedulePreview?, compared: [ComparedRun] = [], checkpointSteps: [Int]? = nil,
               keepTerminal: Bool = false, finished: @escaping @Sendable () -> Bool = { true },
               prepareFork: ((Int) -> Result<String, ForkRefusal>)? = nil) -> AppState {
    let watchdog = ScreenWatchdog(backend: backend, finished: finished)
    defer { watchdog.screenReturned() }
    let library = ThemeLibrary.standard()
    let (theme, problem) = options.startingTheme(library)
    var state = AppState(mode: mode, width: 80, height: 24, theme: theme, themeNames: library.names,
                         ascii: options.ascii || !backend.unicode, runName: runName)
    state.plan = plan
    state.colorDepth = backend.colorDepth
    state.compared = compared
    state.setUpComparison()
    state.checkpointSteps = checkpointSteps
    if let problem { state.flash = ("theme: \(problem); using the default theme", .alert) }
    let app = App(state: state, backend: backend, source: source,
                  loadTheme: { name in let (t, e) = library.load(name); return (t, e?.description) },
                  interrupted: {
                      // Fault injection (tests): the main thread stops answering, as a screen stuck in a huge frame did.
                      if ScreenWatchdog.injectedBusyScreen && ScreenWatchdog.loops.add(1, ordering: .relaxed).newValue > 1 {
                          while true { usleep(1_000) }
                      }
                      return stopSignal.load(ordering: .relaxed) != 0
                  })
    app.prepareFork = prepareFork
    let final = app.run()
    if !keepTerminal { backend.shutdown() }
    return final
}
