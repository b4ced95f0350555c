import Foundation
import Synchronization

/// Set by SIGINT/SIGTERM/SIGHUP; the loops poll it and shut down cleanly.
let stopSignal = Atomic<Int32>(0)

/// Installs handlers that only record the signal.
func installStopSignalHandlers() {
    for sig in [SIGINT, SIGTERM, SIGHUP] {
        signal(sig) { s in stopSignal.store(s, ordering: .relaxed) }
    }
}
