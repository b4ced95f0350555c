import ArgumentParser
import Foundation
import CursesBackend
import Monitor
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

/// Runs the screen on a backend until the user quits; always restores the terminal.
func runScreen(backend: CursesTerminal, source: EventSource, mode: AppState.Mode, options: ScreenOptions,
               runName: String, plan: SchedulePreview?) -> AppState {
    let library = ThemeLibrary.standard()
    let (theme, problem) = options.startingTheme(library)
    var state = AppState(mode: mode, width: 80, height: 24, theme: theme, themeNames: library.names,
                         ascii: options.ascii || !backend.unicode, runName: runName)
    state.plan = plan
    if let problem { state.flash = ("theme: \(problem); using the default theme", "alert") }
    let app = App(state: state, backend: backend, source: source,
                  loadTheme: { name in let (t, e) = library.load(name); return (t, e?.description) },
                  interrupted: { stopSignal.load(ordering: .relaxed) != 0 })
    let final = app.run()
    backend.shutdown()
    return final
}
