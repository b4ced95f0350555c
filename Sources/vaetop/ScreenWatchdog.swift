import CursesBackend
import Foundation
import Synchronization

/// Ends a screen process that a stop signal (SIGINT, SIGTERM, SIGHUP: a closed pane or a lost terminal) could not
/// reach because its main thread was busy: after `grace` it restores the terminal, lets the trainer finish its end
/// record and checkpoint (`finishGrace` at most), says so in one line and exits with 128 + the signal.
final class ScreenWatchdog: Sendable {
    /// How long the screen has to answer a stop signal before the watchdog ends it.
    static let grace: Duration = .seconds(2)
    /// How long the trainer then has to write its end record and checkpoint.
    static let finishGrace: Duration = .seconds(10)

    /// Fault injection for tests (`VAETOP_FAULT_BUSY_SCREEN`): the screen loop stops answering after its first turn.
    static let injectedBusyScreen = ProcessInfo.processInfo.environment["VAETOP_FAULT_BUSY_SCREEN"] != nil

    /// Screen loop turns seen by the fault injection.
    static let loops = Atomic<Int>(0)

    private let screenDone = Atomic<Bool>(false)

    /// Starts watching `backend`'s screen; `finished` says whether the trainer (if any) has written its end.
    init(backend: CursesTerminal, finished: @escaping @Sendable () -> Bool) {
        nonisolated(unsafe) let terminal = backend
        Thread.detachNewThread { [self] in
            while stopSignal.load(ordering: .relaxed) == 0 && !returned { usleep(50_000) }
            let deadline = ContinuousClock.now + Self.grace
            while !returned && ContinuousClock.now < deadline { usleep(20_000) }
            guard !returned else { return }
            let signal = stopSignal.load(ordering: .relaxed)
            terminal.shutdown()
            let finish = ContinuousClock.now + Self.finishGrace
            while !finished() && ContinuousClock.now < finish { usleep(20_000) }
            let saved = finished() ? "" : " before the trainer wrote its end record"
            FileHandle.standardError.write(Data("vaetop: the screen did not answer signal \(signal) within \(Self.grace.components.seconds) s (busy); ended it\(saved)\n".utf8))
            _exit(128 + signal)
        }
    }

    private var returned: Bool { screenDone.load(ordering: .acquiring) }

    /// The screen loop returned: the normal shutdown goes on, the watchdog stands down.
    func screenReturned() { screenDone.store(true, ordering: .releasing) }
}
