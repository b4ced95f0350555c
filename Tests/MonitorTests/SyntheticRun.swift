import Foundation
import Runs

/// A deterministic run of `steps` steps with analytic curves, for reducer and snapshot tests.
enum SyntheticRun {
    static func header(latent: Int = 20, epochs: Int = 10, stepsPerEpoch: Int = 40) -> RunHeader {
        var c = RunConfig()
        c.latent = latent; c.epochs = epochs
        c.betaSchedule.kind = .cyclical
        c.clip.maxNorm = 50
        c.lrSchedule.kind = .onecycle
        return RunHeader(name: "synthetic", created: "2026-11-27T00:00:00Z", config: c,
                         layers: ["enc1", "mu", "logvar", "dec1", "out"], parameters: 652_824,
                         trainImages: 4500, testImages: 500, stepsPerEpoch: stepsPerEpoch)
    }

    static func step(_ s: Int, latent: Int = 20) -> StepMetrics {
        let t = Double(s)
        let dims = (0..<latent).map { j -> Float in
            let fade = j % 3 == 0 ? exp(-t / 60) : 1
            return Float((0.2 + Double(j % 7) * 0.3) * fade * (1 + 0.1 * sin(t / 9 + Double(j))))
        }
        let kl = dims.reduce(0, +)
        let recon = Float(90 + 400 * exp(-t / 40) + 3 * sin(t / 5))
        let beta = min(1, Double(s % 100) / 50)
        return StepMetrics(step: s, epoch: (s - 1) / 40 + 1, loss: recon + Float(beta) * kl, recon: recon, kl: kl, klDims: dims,
                           beta: beta, lr: 1e-3 * (1 + 9 * sin(Double.pi * min(1, t / 400))), momentum: 0.95 - 0.1 * sin(Double.pi * min(1, t / 400)),
                           gradNorm: Float(30 + 20 * exp(-t / 50) + (s == 77 ? 400 : 0)), gradNormClipped: Float(min(50, 30 + 20 * exp(-t / 50))),
                           layerGradNorms: [10, 5, 4, 6, 20].map { Float($0 + 5 * exp(-t / 50)) }, batchSize: 128,
                           samplesPerSecond: 25_000, time: t * 0.005)
    }

    static func eval(_ s: Int, latent: Int = 20) -> EvalMetrics {
        let dims = step(s, latent: latent).klDims
        let collapsed = dims.indices.filter { dims[$0] < 0.01 }
        return EvalMetrics(step: s, epoch: (s - 1) / 40 + 1, loss: Float(100 + 300 * exp(-Double(s) / 40)), recon: 90, kl: dims.reduce(0, +),
                           klDims: dims, meanVariance: dims, activeUnits: latent - collapsed.count, collapsed: collapsed, images: 500)
    }

    static func images(_ s: Int) -> ImageRecord {
        let digit = (0..<784).map { i -> UInt8 in
            let x = i % 28 - 14, y = i / 28 - 14
            let r = (x * x + y * y)
            return r > 40 && r < 90 ? 255 : 0
        }
        return ImageRecord(step: s, rows: 28, cols: 28, originals: Array(repeating: digit, count: 8),
                           reconstructions: Array(repeating: digit.map { $0 / 2 }, count: 8), samples: Array(repeating: digit.map { 255 - $0 }, count: 8))
    }

    /// Header, steps 1…n, evaluations every 40 steps, an lr change at 100 and a β change at 150.
    static func events(steps n: Int, latent: Int = 20) -> [RunEvent] {
        var out: [RunEvent] = [.header(header(latent: latent)), .state(StateChange(step: 0, state: .running, reason: "started"))]
        for s in 1...n {
            out.append(.step(step(s, latent: latent)))
            if s % 40 == 0 { out.append(.eval(eval(s, latent: latent))); out.append(.images(images(s))) }
            if s == 100 { out.append(.change(ParameterChange(step: 100, parameter: .lr, old: 0.008, new: 0.004, source: "keyboard"))) }
            if s == 150 { out.append(.change(ParameterChange(step: 150, parameter: .beta, old: 0.5, new: 0.25, source: "keyboard"))) }
            if s == 160 { out.append(.alert(Alert(step: 160, level: .warning, message: "z00 collapsed (test KL < 0.01 nats)"))) }
        }
        return out
    }
}
