import Foundation

/// Which TensorBoard tag feeds which series of the screen.
///
/// The convention (used when no mapping file names a tag):
/// `loss`, `loss/total`, `train/loss` → total loss; `loss/recon`, `recon` → reconstruction; `loss/kl`, `kl` → KL;
/// `kl/dim_N` (or `kl/dim N`, `kl_dim_N`) → KL of latent dimension N; `lr`, `lr/*`, `learning_rate` → learning rate;
/// `beta`, `kl_weight` → β; `momentum`, `beta1` → β1/momentum; `free_bits` → λ; `grad_norm` → gradient norm;
/// `grad_norm_clipped` → after clipping; `grad_norm/NAME` → the norm of layer NAME; `eval/loss`, `test/loss`,
/// `val/loss` → test ELBO points; `changes` (text) → markers. Anything else is ignored.
///
/// A mapping file overrides it: one `tag = field` per line (`#` comments), fields as in `Field`'s names,
/// e.g. `train/elbo = loss`, `z/kl_07 = kl_dim 7`, `opt/lr = lr`, `layers/enc = grad_norm_layer enc`.
public struct TagMapping: Sendable {
    /// What a tag feeds.
    public enum Field: Sendable, Equatable, Hashable {
        case loss, recon, kl, klDim(Int), lr, beta, momentum, freeBits, gradNorm, gradNormClipped, gradNormLayer(String), testLoss
    }

    /// Explicit tag → field entries (from a mapping file).
    public var explicit: [String: Field] = [:]

    public init(explicit: [String: Field] = [:]) { self.explicit = explicit }

    /// A problem in a mapping file.
    public struct ParseError: Error, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Parses a mapping file's text.
    public static func parse(_ text: String) throws -> TagMapping {
        var m = TagMapping()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let field = fieldNamed(parts[1]) else {
                throw ParseError(line: i + 1, message: "expected 'tag = field' with field one of loss, recon, kl, kl_dim N, lr, beta, momentum, free_bits, grad_norm, grad_norm_clipped, grad_norm_layer NAME, test_loss; got '\(line)'")
            }
            m.explicit[parts[0]] = field
        }
        return m
    }

    static func fieldNamed(_ s: String) -> Field? {
        let words = s.split(separator: " ").map(String.init)
        switch words.first ?? "" {
        case "loss": return .loss
        case "recon": return .recon
        case "kl": return .kl
        case "kl_dim": return words.count == 2 ? Int(words[1]).map { .klDim($0) } : nil
        case "lr": return .lr
        case "beta": return .beta
        case "momentum": return .momentum
        case "free_bits": return .freeBits
        case "grad_norm": return .gradNorm
        case "grad_norm_clipped": return .gradNormClipped
        case "grad_norm_layer": return words.count == 2 ? .gradNormLayer(words[1]) : nil
        case "test_loss": return .testLoss
        default: return nil
        }
    }

    /// The field `tag` feeds, or nil.
    public func field(for tag: String) -> Field? {
        if let f = explicit[tag] { return f }
        let t = tag.lowercased()
        switch t {
        case "loss", "loss/total", "train/loss", "loss/train": return .loss
        case "loss/recon", "recon", "train/recon", "loss/reconstruction": return .recon
        case "loss/kl", "kl", "train/kl": return .kl
        case "lr", "learning_rate", "train/lr": return .lr
        case "beta", "kl_weight", "train/beta": return .beta
        case "momentum", "beta1": return .momentum
        case "free_bits": return .freeBits
        case "grad_norm", "train/grad_norm": return .gradNorm
        case "grad_norm_clipped": return .gradNormClipped
        case "eval/loss", "test/loss", "val/loss", "loss/test": return .testLoss
        default: break
        }
        for prefix in ["kl/dim_", "kl/dim", "kl_dim_", "kl/z"] where t.hasPrefix(prefix) {
            if let n = Int(t.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)) { return .klDim(n) }
        }
        if t.hasPrefix("lr/") || t.hasPrefix("lr-") { return .lr }
        if t.hasPrefix("grad_norm/") {
            let name = String(tag.dropFirst("grad_norm/".count))
            return name == "clip_coef" ? nil : .gradNormLayer(name)
        }
        return nil
    }
}
