import Foundation
import Runs
import TerminalUI

/// Headless output: a progress bar on a terminal, plain lines otherwise, and the final summary.
final class ProgressPrinter {
    let tty: Bool
    let totalSteps: Int
    let epochs: Int
    private var lastDraw = 0.0
    private var last: StepMetrics?
    private var eval: EvalMetrics?
    private var windowSamples = 0
    private var windowSeconds = 0.0
    private var lastTime = 0.0

    /// A progress bar needs a terminal that understands carriage return and erase-line (not TERM=dumb).
    init(totalSteps: Int, epochs: Int,
         tty: Bool = isatty(STDOUT_FILENO) == 1 && (ProcessInfo.processInfo.environment["TERM"] ?? "dumb") != "dumb") {
        self.totalSteps = totalSteps; self.epochs = epochs; self.tty = tty
    }

    func handle(_ e: RunEvent) {
        switch e {
        case .step(let m):
            last = m
            windowSamples += m.batchSize
            windowSeconds += m.time - lastTime
            lastTime = m.time
            let now = Date().timeIntervalSince1970
            if tty && now - lastDraw > 0.1 { lastDraw = now; drawBar(m) }
        case .eval(let m) where m.iwae != nil && m.step == eval?.step:
            // The end's evaluation again, with the IWAE bound.
            eval = m
            clearBar()
            emitLine(String(format: "IWAE bound (k %d over the first %d test images): -log p(x) <= %.2f nats per image (the test loss, the 1-sample bound, is %.2f)",
                            m.iwaeK ?? 0, m.iwaeImages ?? 0, m.iwae ?? .nan, m.loss))
        case .eval(let m):
            eval = m
            clearBar()
            emitLine(String(format: "epoch %d/%d step %d  train loss %.2f  test loss %.2f (recon %.2f, KL %.2f)  active units %d/%d  %.0f img/s",
                         m.epoch, epochs, m.step, last?.loss ?? .nan, m.loss, m.recon, m.kl, m.activeUnits, m.klDims.count,
                         windowSeconds > 0 ? Double(windowSamples) / windowSeconds : 0))
            windowSamples = 0; windowSeconds = 0
        case .skipped(let s):
            clearBar(); emitLine("step \(s.step): skipped: \(s.reason)")
        case .skip(let s):
            clearBar(); emitLine("step \(s.step): left out \(s.batches) batches (\(s.images) images) of the data order (guard \(s.rule))")
        case .alert(let a):
            clearBar(); emitLine("[\(a.level.rawValue)] step \(a.step): \(a.message)")
        case .outcome(let o) where o.outcome != .applied || o.reason != nil:
            // The trainer's answer to a command that changed nothing (a fork's knob flag already in force, a refusal).
            clearBar(); emitLine("[\(o.outcome == .applied ? "info" : "warning")] step \(o.step): \(o.reason ?? o.subject + " " + o.outcome.rawValue)")
        case .end(let s):
            clearBar()
            emitLine(String(format: "%@ after %d steps (%d epochs): test loss %.2f nats/image, active units %@, %.0f samples/s, %.1f s training",
                         s.reason.rawValue, s.step, s.epoch, s.testLoss ?? .nan, s.activeUnits.map(String.init) ?? "?",
                         s.samplesPerSecond, s.seconds))
        default:
            break
        }
    }

    /// Writes a whole line at once, unbuffered, so pipes see progress as it happens.
    private func emitLine(_ s: String) { FileHandle.standardOutput.write(Data((s.terminalSafe() + "\n").utf8)) }

    private func drawBar(_ m: StepMetrics) {
        let width = 30
        let frac = min(1, Double(m.step) / Double(max(1, totalSteps)))
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = String(format: "\r%@ %3.0f%% ep %d/%d step %d loss %.2f KL %.2f β %.3g lr %.3g %.0f img/s ",
                          bar, frac * 100, m.epoch, epochs, m.step, m.loss, m.kl, m.beta, m.lr, m.samplesPerSecond)
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    private func clearBar() {
        if tty { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
