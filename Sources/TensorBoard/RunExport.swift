import Foundation
import Runs

/// Turns a vaetop run into TensorBoard events, with the tag names `TagMapping.convention` reads back.
public enum RunExport {
    /// One event per step record (all its scalars), per evaluation, and a text event per change or alert.
    public static func events(_ c: RunFileContents) -> [TensorBoardEvent] {
        let start = ISO8601DateFormatter().date(from: c.header.created)?.timeIntervalSince1970 ?? 0
        let layers = c.header.layers
        var lastTime = 0.0
        var out: [TensorBoardEvent] = []
        for e in c.timeline {
            switch e {
            case .step(let m):
                lastTime = m.time
                var s: [(tag: String, value: Double)] = [
                    ("loss/total", Double(m.loss)), ("loss/recon", Double(m.recon)), ("loss/kl", Double(m.kl)),
                    ("beta", m.beta), ("lr", m.lr), ("free_bits", m.freeBits),
                    ("grad_norm", Double(m.gradNorm)), ("grad_norm_clipped", Double(m.gradNormClipped)),
                    ("grad_norm/clip_coef", Double(m.clipCoef)), ("samples_per_s", Double(m.samplesPerSecond)),
                ]
                if let mo = m.momentum { s.append(("momentum", mo)) }
                for (j, v) in m.klDims.enumerated() { s.append((String(format: "kl/dim_%02d", j), Double(v))) }
                for (l, v) in m.layerGradNorms.enumerated() { s.append(("grad_norm/\(l < layers.count ? layers[l] : "layer\(l)")", Double(v))) }
                out.append(TensorBoardEvent(wallTime: start + m.time, step: Int64(m.step), scalars: s))
            case .eval(let m):
                var s: [(tag: String, value: Double)] = [("eval/loss", Double(m.loss)), ("eval/recon", Double(m.recon)),
                                                        ("eval/kl", Double(m.kl)), ("eval/active_units", Double(m.activeUnits))]
                for (j, v) in m.klDims.enumerated() { s.append((String(format: "eval/kl_dim_%02d", j), Double(v))) }
                out.append(TensorBoardEvent(wallTime: start + lastTime, step: Int64(m.step), scalars: s))
            case .change(let ch):
                let text = "\(ch.parameter.rawValue): \(ch.old.map { "\($0)" } ?? "off") → \(ch.new.map { "\($0)" } ?? "schedule") (\(ch.source))"
                out.append(TensorBoardEvent(wallTime: start + lastTime, step: Int64(ch.step), texts: [("changes", text)]))
            case .alert(let a):
                out.append(TensorBoardEvent(wallTime: start + lastTime, step: Int64(a.step), texts: [("alerts", "[\(a.level.rawValue)] \(a.message)")]))
            default:
                break
            }
        }
        return out
    }
}
