import Foundation
import Runs
import Synchronization

/// Set by SIGINT/SIGTERM/SIGHUP; the loops poll it and shut down cleanly.
let stopSignal = Atomic<Int32>(0)

/// Installs handlers that only record the signal, and unblocks the three signals: a parent that spawned vaetop
/// with them blocked (some supervisors, Foundation's Process from a worker thread) would otherwise make Ctrl-C and
/// SIGTERM do nothing at all.
func installStopSignalHandlers() {
    var set = sigset_t()
    sigemptyset(&set)
    for sig in [SIGINT, SIGTERM, SIGHUP] {
        signal(sig) { s in stopSignal.store(s, ordering: .relaxed) }
        sigaddset(&set, sig)
    }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

/// Why the loops should stop: nil while no signal arrived, `.interrupted` for SIGINT/SIGTERM/SIGHUP, `.crashed`
/// when the screen died of a crash signal (`CrashGuard` stores it so the trainer can still save).
@Sendable func stopReason() -> RunSummary.Reason? {
    switch stopSignal.load(ordering: .relaxed) {
    case 0: return nil
    case SIGINT, SIGTERM, SIGHUP: return .interrupted
    default: return .crashed
    }
}

/// The shell's convention for a stop by signal: 128 + its number (130 for Ctrl-C, 143 for SIGTERM); nil without one.
func signalExitCode() -> Int32? {
    let s = stopSignal.load(ordering: .relaxed)
    return s == 0 ? nil : 128 + s
}
