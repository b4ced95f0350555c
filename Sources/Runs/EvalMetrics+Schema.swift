/// The evaluation record's fields.
extension EvalMetrics: TabledRecord {
    public static let fields: [RecordField<EvalMetrics>] = [
        .init("step", .int(\.step), "steps completed when it ran"),
        .init("epoch", .int(\.epoch), "epoch in which it ran"),
        .init("loss", .float(\.loss), csv: "test_loss", tag: "eval/loss", "negative ELBO per image (β = 1, no free bits), nats"),
        .init("recon", .float(\.recon), csv: "test_recon", tag: "eval/recon", "reconstruction NLL per image"),
        .init("kl", .float(\.kl), csv: "test_kl", tag: "eval/kl", "KL per image"),
        .init("klDims", .floats(\.klDims), csv: "test_kl_dim_", tag: "eval/kl_dim_", list: .latent, "KL per latent dimension, mean over the test images"),
        .init("meanVariance", .floats(\.meanVariance), csv: "test_mean_variance_", tag: "eval/mean_variance_", list: .latent, "variance over the test images of each dimension's posterior mean"),
        .init("activeUnits", .int(\.activeUnits), csv: "test_active_units", tag: "eval/active_units", "dimensions with `meanVariance` > 0.01 (Burda et al. 2016)"),
        .init("collapsed", .ints(\.collapsed), "dimensions whose test KL is below `config.collapseThreshold` (default 0.01 nats)"),
        .init("images", .int(\.images), csv: "test_images", tag: "eval/images", "test images scored"),
        .init("mutualInformation", .optionalFloat(\.mutualInformation), csv: "test_mi", tag: "eval/mutual_information", "I(x; z) in nats, He et al. 2019's minibatch estimator over the test images (absent: not computed)"),
        .init("iwae", .optionalFloat(\.iwae), csv: "test_iwae_nll", tag: "eval/iwae_nll", "the importance-weighted bound on −log p(x) (Burda et al. 2016), nats per image, ≤ `loss`: `iwaeK` samples for each of the first `iwaeImages` test images (vaetop: k = 100 on 1,000 images at the end of every run; `vaetop eval --iwae-k`); a Gaussian decoder's, like `loss`, without D/2·log 2π"),
        .init("iwaeK", .optionalInt(\.iwaeK), csv: "test_iwae_k", tag: "eval/iwae_k", "importance samples per image of `iwae`"),
        .init("iwaeImages", .optionalInt(\.iwaeImages), csv: "test_iwae_images", tag: "eval/iwae_images", "test images `iwae` averages over (the first ones of the test split)"),
    ]

    public static let blank = EvalMetrics(step: 0, epoch: 0, loss: 0, recon: 0, kl: 0, klDims: [], meanVariance: [], activeUnits: 0,
                                          collapsed: [], images: 0)

    public init(from decoder: Decoder) throws { self = try Self.decodeFields(from: decoder) }
    public func encode(to encoder: Encoder) throws { try encodeFields(to: encoder) }
}
