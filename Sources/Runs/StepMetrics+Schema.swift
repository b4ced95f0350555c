/// The step record's fields: the one declaration the run file, the exports and the screen derive from.
extension StepMetrics: TabledRecord {
    public static let fields: [RecordField<StepMetrics>] = [
        .init("step", .int(\.step), csv: "step", "optimizer steps completed (1-based: the step that produced these numbers)"),
        .init("epoch", .int(\.epoch), csv: "epoch", tag: "epoch", "epoch, 1-based"),
        .init("loss", .float(\.loss), csv: "loss", tag: "loss/total", series: .loss, "objective per image: recon + β·KL (free bits or capacity applied)"),
        .init("recon", .float(\.recon), csv: "recon", tag: "loss/recon", series: .recon, "reconstruction NLL per image"),
        .init("kl", .float(\.kl), csv: "kl", tag: "loss/kl", series: .kl, "raw KL per image (without free bits)"),
        .init("klDims", .floats(\.klDims), csv: "kl_dim_", tag: "kl/dim_", list: .latent, "raw KL per latent dimension, batch mean, nats"),
        .init("klObjective", .optionalFloat(\.klObjective), csv: "kl_objective", tag: "loss/kl_objective", "KL term the objective used per image (free bits only)"),
        .init("klObjectiveDims", .optionalFloats(\.klObjectiveDims), csv: "kl_objective_dim_", tag: "kl_objective/dim_", list: .latent, "max(λ, KL_j) per dimension (free bits only)"),
        .init("capacity", .optionalDouble(\.capacity), csv: "capacity", tag: "capacity", series: .capacity, "target capacity C in nats (capacity annealing only; `beta` is then γ)"),
        .init("gan", .gan(\.gan), csv: "gan_", tag: "gan/", "VAE-GAN's part (VAE-GAN only; its fields below, CSV `gan_…`, tags `gan/…`)"),
        .init("beta", .double(\.beta), csv: "beta", tag: "beta", series: .beta, "β used (γ under capacity annealing)"),
        .init("lr", .double(\.lr), csv: "lr", tag: "lr", series: .lr, "learning rate used"),
        .init("momentum", .optionalDouble(\.momentum), csv: "momentum", tag: "momentum", series: .momentum, "β1/momentum used, when cycled or overridden"),
        .init("freeBits", .double(\.freeBits), csv: "free_bits", tag: "free_bits", "free-bits λ in force"),
        .init("gradNorm", .float(\.gradNorm), csv: "grad_norm", tag: "grad_norm", series: .gradNorm, "global gradient L2 norm before clipping"),
        .init("gradNormClipped", .float(\.gradNormClipped), csv: "grad_norm_clipped", tag: "grad_norm_clipped", series: .gradClipped, "global gradient L2 norm after clipping"),
        .init("clipCoef", .float(\.clipCoef), csv: "clip_coef", tag: "grad_norm/clip_coef", "clip coefficient applied (1: nothing clipped)"),
        .init("layerGradNorms", .floats(\.layerGradNorms), csv: "grad_norm_", tag: "grad_norm/", list: .layer, "per-layer gradient L2 norms before clipping, in `header.layers` order"),
        .init("batchSize", .int(\.batchSize), csv: "batch_size", tag: "batch_size", "images in this batch"),
        .init("samplesPerSecond", .float(\.samplesPerSecond), csv: "samples_per_s", tag: "samples_per_s", "training throughput of this step"),
        .init("time", .double(\.time), csv: "time", tag: "time", "training seconds since the start (pauses excluded)"),
    ]

    public static let blank = StepMetrics(step: 0, epoch: 0, loss: 0, recon: 0, kl: 0, klDims: [], beta: 0, lr: 0, gradNorm: 0,
                                          gradNormClipped: 0, clipCoef: 0, layerGradNorms: [], batchSize: 0, samplesPerSecond: 0, time: 0)

    public init(from decoder: Decoder) throws { self = try Self.decodeFields(from: decoder) }
    public func encode(to encoder: Encoder) throws { try encodeFields(to: encoder) }
}
