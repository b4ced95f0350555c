import CNcursesw
import Glibc

/// On a crash signal, restores the terminal first, then hands the signal to the previous handler
/// (Swift's backtracer), so the report prints on a usable screen.
enum CrashGuard {
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
    nonisolated(unsafe) static var installed = false

    static func install() {
        guard !installed else { return }
        installed = true
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGABRT] {
            var sa = sigaction()
            sa.__sigaction_handler.sa_handler = { s in
                endwin()
                sigaction(s, CrashGuard.previous + Int(s), nil)
                raise(s)
            }
            sigemptyset(&sa.sa_mask)
            sa.sa_flags = 0
            sigaction(sig, &sa, previous + Int(sig))
        }
    }
}
