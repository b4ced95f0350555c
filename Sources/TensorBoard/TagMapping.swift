import Foundation

/// Which TensorBoard tag feeds which series of the screen.
///
/// The convention (used when no mapping file names a tag), case-insensitive: the names in `field(for:)`, which
/// docs/tensorboard-and-clients.md tabulates — vaetop's own tags, PyTorch examples', Lightning's (`train_loss`,
/// `val_loss`, `lr-Adam`, `grad_2.0_norm_total`) and popular VAE repositories' (`kld`, `KL_dim/N`, `recon_loss`).
/// Anything else is ignored, and the reader lists what it ignored.
///
/// A mapping file overrides it: one `tag = field` per line (`#` comments), fields as in `Field`'s names,
/// e.g. `train/elbo = loss`, `z/kl_07 = kl_dim 7`, `opt/lr = lr`, `layers/enc = grad_norm_layer enc`; or a pattern
/// with `{i}` (a number, usable in the field) and `*` (anything): `KL_dim/{i} = kl_dim {i}`, `*/elbo = loss`.
public struct TagMapping: Sendable {
    /// The largest mapping file read (a mapping is a few lines).
    public static let maxBytes = 1 << 20

    /// What a tag feeds.
    public enum Field: Sendable, Equatable, Hashable {
        case loss, recon, kl, klDim(Int), lr, beta, momentum, freeBits, gradNorm, gradNormClipped, gradNormLayer(String), testLoss
    }

    /// Explicit tag → field entries (from a mapping file).
    public var explicit: [String: Field] = [:]
    /// Pattern entries (from a mapping file): a tag pattern with `{i}` (a number) and `*` (anything), matched
    /// case-insensitively, and the field text with `{i}` to fill in, e.g. `KL_dim/{i} = kl_dim {i}`.
    public var patterns: [(regex: NSRegularExpression, field: String)] = []

    public init(explicit: [String: Field] = [:]) { self.explicit = explicit }

    /// The regular expression for a tag pattern: `{i}` captures digits, `*` matches anything, the rest literally.
    static func regex(_ pattern: String) -> NSRegularExpression? {
        var escaped = NSRegularExpression.escapedPattern(for: pattern)
        escaped = escaped.replacingOccurrences(of: "\\{i\\}", with: "([0-9]+)").replacingOccurrences(of: "\\*", with: ".*")
        return try? NSRegularExpression(pattern: "^" + escaped + "$", options: [.caseInsensitive])
    }

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
            let isPattern = parts.first.map { $0.contains("{i}") || $0.contains("*") } ?? false
            // A pattern's field may use {i}; it must name a field once {i} is a number.
            guard parts.count == 2, !parts[0].isEmpty, fieldNamed(parts[1].replacingOccurrences(of: "{i}", with: "0")) != nil else {
                throw ParseError(line: i + 1, message: "expected 'tag = field' (or a pattern such as 'KL_dim/{i} = kl_dim {i}') with field one of loss, recon, kl, kl_dim N, lr, beta, momentum, free_bits, grad_norm, grad_norm_clipped, grad_norm_layer NAME, test_loss; got '\(line)'")
            }
            if isPattern {
                guard let re = regex(parts[0]) else { throw ParseError(line: i + 1, message: "'\(parts[0])' is not a usable pattern") }
                m.patterns.append((re, parts[1]))
            } else {
                m.explicit[parts[0]] = fieldNamed(parts[1])!
            }
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
        if let f = explicit[tag] ?? explicit.first(where: { $0.key.caseInsensitiveCompare(tag) == .orderedSame })?.value { return f }
        for (re, fieldText) in patterns {
            let range = NSRange(tag.startIndex..., in: tag)
            guard let m = re.firstMatch(in: tag, range: range) else { continue }
            var text = fieldText
            if m.numberOfRanges > 1, let r = Range(m.range(at: 1), in: tag) { text = text.replacingOccurrences(of: "{i}", with: String(tag[r])) }
            if let f = Self.fieldNamed(text) { return f }
        }
        let t = tag.lowercased()
        // The names PyTorch examples, Lightning (`train_loss`, `val_loss`, `grad_2.0_norm_total`, `lr-Adam`) and
        // popular VAE repositories (`kld`, `KL_dim/N`, `elbo`, `recon_loss`) log, case-insensitively.
        switch t {
        case "loss", "loss/total", "train/loss", "loss/train", "train_loss", "train_loss_step", "train_loss_epoch", "elbo",
             "train/elbo", "loss/elbo", "neg_elbo", "total_loss", "loss_total": return .loss
        case "loss/recon", "recon", "train/recon", "loss/reconstruction", "recon_loss", "reconstruction_loss", "rec_loss",
             "train/recon_loss", "train_recon_loss", "loss/rec", "bce", "mse": return .recon
        case "loss/kl", "kl", "train/kl", "kld", "kl_loss", "kl_divergence", "train/kld", "train_kld", "train/kl_loss",
             "train_kl_loss", "loss/kld": return .kl
        case "lr", "learning_rate", "train/lr", "lr-adam", "lr-adamw", "lr-sgd", "lr-radam": return .lr
        case "beta", "kl_weight", "train/beta", "kl_beta", "beta_kl", "kl_coef", "train/kl_weight": return .beta
        case "momentum", "beta1": return .momentum
        case "free_bits": return .freeBits
        case "grad_norm", "train/grad_norm", "gradnorm", "grad_norm_total", "grad_2.0_norm_total", "grad_2.0_norm/total",
             "gradient_norm", "grads/norm": return .gradNorm
        case "grad_norm_clipped": return .gradNormClipped
        case "eval/loss", "test/loss", "val/loss", "loss/test", "val_loss", "test_loss", "valid/loss", "val/elbo",
             "val_elbo", "test/elbo", "loss/val", "val_loss_epoch": return .testLoss
        default: break
        }
        for prefix in ["kl/dim_", "kl/dim", "kl_dim_", "kl_dim/", "kl/z", "kl_per_dim/", "kl_per_dim_", "kl_per_dimension/",
                       "kld/", "kld_dim/", "kld_", "kl/"] where t.hasPrefix(prefix) {
            if let n = Int(t.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)) { return .klDim(n) }
        }
        if t.hasPrefix("lr/") || t.hasPrefix("lr-") { return .lr }
        // A group's member (`add_scalars("losses", {"kl": …})` reads back as "losses/kl"): its own name decides.
        if let slash = t.lastIndex(of: "/"), t.firstIndex(of: "/") == slash, !t.hasPrefix("grad_norm/"), !t.hasPrefix("grad_2.0_norm") {
            let key = String(t[t.index(after: slash)...])
            if ["loss", "total", "recon", "reconstruction", "kl", "kld", "elbo"].contains(key) { return field(for: key == "total" ? "loss" : key) }
        }
        for prefix in ["grad_norm/", "grad_2.0_norm/", "grad_2.0_norm_"] where t.hasPrefix(prefix) {
            // Lightning's per-parameter norms end in ".weight" / ".bias"; the layer is what comes before.
            var name = String(tag.dropFirst(prefix.count))
            if name == "clip_coef" || name.lowercased() == "total" { return name == "clip_coef" ? nil : .gradNorm }
            for suffix in [".weight", ".bias"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
            return .gradNormLayer(name)
        }
        return nil
    }
}
