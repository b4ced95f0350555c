import Runs
import TensorCore

extension TrainerSnapshot {
    /// The metadata of checkpoint formats 1 and 2, as written until format 3: one optimizer's counters for the
    /// whole VAE (`optimizerSteps`, `sgdHasBuffer`), VAE-GAN's three step counts beside them, and buffers named by
    /// position (`params`, `opt0`…; VAE-GAN: the whole-model optimizer's `opt…` it never stepped, `disc`,
    /// `encopt…`, `decopt…`, `disopt…`).
    package struct Format2: Decodable {
        var config: RunConfig
        var stepsDone: Int
        var epoch: Int
        var position: Int
        var permutation: [Int]
        var noiseRNG: RandomSource
        var dataRNG: RandomSource
        var optimizerSteps: Int
        var sgdHasBuffer: Bool
        var knobs: Knobs
        var trainSeconds: Double
        var samplesSeen: Int
        var nanStreak: Int
        var buffers: [String]
        var ganOptimizerSteps: [Int]?
    }

    /// A format 2 checkpoint as format 3: buffers renamed by their family (`opt1` → `vae.v`, `encopt0` →
    /// `encoder.m`, `disc` → `discriminator.params`), the never-stepped whole-model optimizer of VAE-GAN dropped,
    /// the counters named. Format 2 kept no momentum flag for VAE-GAN's SGD optimizers: a buffer that holds a
    /// non-zero value exists. Names it does not know are kept, for `Trainer.restore` to refuse by name.
    package static func migrated(_ old: Format2, buffers: [[Float]]) -> (TrainerSnapshot, [[Float]]) {
        let names = OptimizerFactory.stateBufferNames(old.config.optimizer)
        let gan = old.config.model == .vaeGAN
        /// `prefix` then a position into `names` (the optimizer's buffers), or nil.
        func position(_ name: String, _ prefix: String) -> Int? {
            guard name.hasPrefix(prefix), let i = Int(name.dropFirst(prefix.count)), i >= 0 else { return nil }
            return i
        }
        func renamed(_ name: String) -> String? {
            if name == "params" { return name }
            if gan {
                if name == "disc" { return "discriminator.params" }
                if position(name, "opt") != nil { return nil }
                for (old, new, names) in [("encopt", "encoder", names), ("decopt", "decoder", names),
                                          ("disopt", "discriminator", Adam.stateBufferNames)] {
                    if let i = position(name, old), i < names.count { return "\(new).\(names[i])" }
                }
            } else if let i = position(name, "opt"), i < names.count {
                return "vae.\(names[i])"
            }
            return name
        }
        var kept: [(String, [Float])] = []
        for (name, buffer) in zip(old.buffers, buffers) { if let n = renamed(name) { kept.append((n, buffer)) } }
        // Buffers the metadata does not name stay, unnamed, so the count check reports them.
        let extra = buffers.dropFirst(old.buffers.count)
        var optimizers: [String: OptimizerCounters] = [:]
        if gan, let counts = old.ganOptimizerSteps, counts.count == 3 {
            let sgd = old.config.optimizer.kind == .sgd
            for (name, steps) in zip(["encoder", "decoder"], counts) {
                let momentum = kept.first { $0.0 == "\(name).momentum" }?.1
                optimizers[name] = OptimizerCounters(steps: steps, hasBuffer: sgd ? momentum?.contains { $0 != 0 } ?? false : nil)
            }
            optimizers["discriminator"] = OptimizerCounters(steps: counts[2])
        } else if !gan {
            optimizers["vae"] = OptimizerCounters(steps: old.optimizerSteps, hasBuffer: old.config.optimizer.kind == .sgd ? old.sgdHasBuffer : nil)
        }
        var s = TrainerSnapshot(config: old.config, stepsDone: old.stepsDone, noiseRNG: old.noiseRNG, knobs: old.knobs,
                                trainSeconds: old.trainSeconds, samplesSeen: old.samplesSeen, nanStreak: old.nanStreak,
                                buffers: kept.map(\.0))
        s.epoch = old.epoch; s.position = old.position; s.permutation = old.permutation; s.dataRNG = old.dataRNG
        s.optimizers = optimizers
        return (s, kept.map(\.1) + extra)
    }
}
