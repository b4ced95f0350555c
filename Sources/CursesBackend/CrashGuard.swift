import CNcursesw
import Glibc

/// On a crash signal, restores the terminal first, lets the program save what it can (`afterRestore`), then hands
/// the signal to the previous handler (Swift's backtracer), so the report prints on a usable screen.
public enum CrashGuard {
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    nonisolated(unsafe) static var installed = false
    /// Called on the crashing thread after the terminal is restored and before the process dies: the trainer
    /// uses it to write its end record and a checkpoint from its own thread. Best effort, bounded in time.
    nonisolated(unsafe) public static var afterRestore: (@Sendable (Int32) -> Void)?

    static func install() {
        guard !installed else { return }
        installed = true
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGABRT] {
            var sa = sigaction()
            sa.__sigaction_handler.sa_handler = { s in
                endwin()
                if let save = CrashGuard.afterRestore {
                    CrashGuard.afterRestore = nil   // a second crash while saving goes straight through
                    save(s)
                }
                sigaction(s, CrashGuard.previous + Int(s), nil)
                raise(s)
            }
            sigemptyset(&sa.sa_mask)
            sa.sa_flags = Int32(SA_NODEFER)
            sigaction(sig, &sa, previous + Int(sig))
        }
    }
}
