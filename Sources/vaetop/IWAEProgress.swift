import Foundation

/// The eval command's progress: a bar with images done and the time left on a terminal, a line every 10 % otherwise.
final class IWAEProgress {
    let total: Int, k: Int
    let start = Date()
    let tty = isatty(STDERR_FILENO) == 1
    private var lastDraw = 0.0, lastTenth = 0

    init(total: Int, k: Int) { self.total = total; self.k = k }

    func update(_ done: Int) {
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let text = String(format: "IWAE k=%d: %d/%d images, %.0f s, ETA %@", k, done, total, elapsed, Self.clock(eta))
        if tty {
            guard elapsed - lastDraw > 0.2 || done == total else { return }
            lastDraw = elapsed
            let width = 24, filled = Int(Double(width) * Double(done) / Double(max(1, total)))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(bar) \(text) \u{1B}[K".utf8))
        } else if done * 10 / max(1, total) > lastTenth || done == total {
            lastTenth = done * 10 / max(1, total)
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    func finish() { if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }

    static func clock(_ s: Double) -> String {
        let t = Int(s.rounded())
        return String(format: "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
    }
}
