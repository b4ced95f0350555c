import Foundation

/// One CSV row per step record, one column per series (for pandas and spreadsheets).
public enum RunCSV {
    /// The whole table, header row first. Evaluations and changes go in the row of their step.
    public static func table(_ c: RunFileContents) -> String {
        let events = c.timeline
        let latent = events.lazy.compactMap { if case .step(let m) = $0 { m.klDims.count } else { nil } }.first ?? c.header.config.latent
        let layers = c.header.layers
        var columns = ["step", "epoch", "loss", "recon", "kl", "beta", "lr", "momentum", "free_bits", "grad_norm",
                       "grad_norm_clipped", "clip_coef", "batch_size", "samples_per_s", "time"]
        columns += (0..<latent).map { String(format: "kl_dim_%02d", $0) }
        columns += layers.map { "grad_norm_\($0)" }
        columns += ["test_loss", "test_active_units", "change"]
        var evals: [Int: EvalMetrics] = [:], changes: [Int: [String]] = [:]
        for e in events {
            if case .eval(let m) = e { evals[m.step] = m }
            if case .change(let ch) = e {
                changes[ch.step, default: []].append("\(ch.parameter.rawValue) \(ch.old.map { "\($0)" } ?? "off")->\(ch.new.map { "\($0)" } ?? "schedule")")
            }
        }
        var out = columns.joined(separator: ",") + "\n"
        func num(_ v: Double?) -> String { v.map { $0.isFinite ? "\($0)" : "" } ?? "" }
        func num(_ v: Float) -> String { v.isFinite ? "\(v)" : "" }
        for e in events {
            guard case .step(let m) = e else { continue }
            var row: [String] = ["\(m.step)", "\(m.epoch)", num(m.loss), num(m.recon), num(m.kl), num(m.beta),
                                 num(m.lr), num(m.momentum), num(m.freeBits), num(m.gradNorm), num(m.gradNormClipped),
                                 num(m.clipCoef), "\(m.batchSize)", num(m.samplesPerSecond), num(m.time)]
            row += (0..<latent).map { $0 < m.klDims.count ? num(m.klDims[$0]) : "" }
            row += layers.indices.map { $0 < m.layerGradNorms.count ? num(m.layerGradNorms[$0]) : "" }
            let ev = evals[m.step]
            row += [ev.map { num($0.loss) } ?? "", ev.map { "\($0.activeUnits)" } ?? "",
                    changes[m.step].map { "\"" + $0.joined(separator: "; ") + "\"" } ?? ""]
            out += row.joined(separator: ",") + "\n"
        }
        return out
    }
}
