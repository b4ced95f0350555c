/// The step record's fields: the one declaration the run file, the exports and the screen derive from.
extension StepMetrics: TabledRecord {
    public static let fields: [RecordField<StepMetrics>] = [
        .init("step", .int(\.step), csv: "step"),
        .init("epoch", .int(\.epoch), csv: "epoch", tag: "epoch"),
        .init("loss", .float(\.loss), csv: "loss", tag: "loss/total", series: .loss),
        .init("recon", .float(\.recon), csv: "recon", tag: "loss/recon", series: .recon),
        .init("kl", .float(\.kl), csv: "kl", tag: "loss/kl", series: .kl),
        .init("klDims", .floats(\.klDims), csv: "kl_dim_", tag: "kl/dim_", list: .latent),
        .init("klObjective", .optionalFloat(\.klObjective), csv: "kl_objective", tag: "loss/kl_objective"),
        .init("klObjectiveDims", .optionalFloats(\.klObjectiveDims), csv: "kl_objective_dim_", tag: "kl_objective/dim_", list: .latent),
        .init("capacity", .optionalDouble(\.capacity), csv: "capacity", tag: "capacity", series: .capacity),
        .init("gan", .gan(\.gan), csv: "gan_", tag: "gan/"),
        .init("beta", .double(\.beta), csv: "beta", tag: "beta", series: .beta),
        .init("lr", .double(\.lr), csv: "lr", tag: "lr", series: .lr),
        .init("momentum", .optionalDouble(\.momentum), csv: "momentum", tag: "momentum", series: .momentum),
        .init("freeBits", .double(\.freeBits), csv: "free_bits", tag: "free_bits"),
        .init("gradNorm", .float(\.gradNorm), csv: "grad_norm", tag: "grad_norm", series: .gradNorm),
        .init("gradNormClipped", .float(\.gradNormClipped), csv: "grad_norm_clipped", tag: "grad_norm_clipped", series: .gradClipped),
        .init("clipCoef", .float(\.clipCoef), csv: "clip_coef", tag: "grad_norm/clip_coef"),
        .init("layerGradNorms", .floats(\.layerGradNorms), csv: "grad_norm_", tag: "grad_norm/", list: .layer),
        .init("batchSize", .int(\.batchSize), csv: "batch_size", tag: "batch_size"),
        .init("samplesPerSecond", .float(\.samplesPerSecond), csv: "samples_per_s", tag: "samples_per_s"),
        .init("time", .double(\.time), csv: "time", tag: "time"),
    ]

    public static let blank = StepMetrics(step: 0, epoch: 0, loss: 0, recon: 0, kl: 0, klDims: [], beta: 0, lr: 0, gradNorm: 0,
                                          gradNormClipped: 0, clipCoef: 0, layerGradNorms: [], batchSize: 0, samplesPerSecond: 0, time: 0)

    public init(from decoder: Decoder) throws { self = try Self.decodeFields(from: decoder) }
    public func encode(to encoder: Encoder) throws { try encodeFields(to: encoder) }
}

/// The evaluation record's fields.
extension EvalMetrics: TabledRecord {
    public static let fields: [RecordField<EvalMetrics>] = [
        .init("step", .int(\.step)),
        .init("epoch", .int(\.epoch)),
        .init("loss", .float(\.loss), csv: "test_loss", tag: "eval/loss"),
        .init("recon", .float(\.recon), csv: "test_recon", tag: "eval/recon"),
        .init("kl", .float(\.kl), csv: "test_kl", tag: "eval/kl"),
        .init("klDims", .floats(\.klDims), csv: "test_kl_dim_", tag: "eval/kl_dim_", list: .latent),
        .init("meanVariance", .floats(\.meanVariance), csv: "test_mean_variance_", tag: "eval/mean_variance_", list: .latent),
        .init("activeUnits", .int(\.activeUnits), csv: "test_active_units", tag: "eval/active_units"),
        .init("collapsed", .ints(\.collapsed)),
        .init("images", .int(\.images), csv: "test_images", tag: "eval/images"),
    ]

    public static let blank = EvalMetrics(step: 0, epoch: 0, loss: 0, recon: 0, kl: 0, klDims: [], meanVariance: [], activeUnits: 0,
                                          collapsed: [], images: 0)

    public init(from decoder: Decoder) throws { self = try Self.decodeFields(from: decoder) }
    public func encode(to encoder: Encoder) throws { try encodeFields(to: encoder) }
}

/// The VAE-GAN part of a step record (nested under `gan`; exports prefix its columns and tags with the parent's).
extension GANStepMetrics: TabledRecord {
    public static let fields: [RecordField<GANStepMetrics>] = [
        .init("encoderLoss", .float(\.encoderLoss), csv: "encoder_loss", tag: "loss/encoder", series: .ganEncoder),
        .init("decoderLoss", .float(\.decoderLoss), csv: "decoder_loss", tag: "loss/decoder", series: .ganDecoder),
        .init("discriminatorLoss", .float(\.discriminatorLoss), csv: "discriminator_loss", tag: "loss/discriminator", series: .ganDiscriminator),
        .init("featureRecon", .float(\.featureRecon), csv: "feature_recon", tag: "loss/feature_recon"),
        .init("dReal", .float(\.dReal), csv: "d_real", tag: "d/real", series: .dReal),
        .init("dFake", .float(\.dFake), csv: "d_fake", tag: "d/fake", series: .dFake),
        .init("dPrior", .float(\.dPrior), csv: "d_prior", tag: "d/prior", series: .dPrior),
        .init("gradNormEncoder", .float(\.gradNormEncoder), csv: "grad_norm_encoder", tag: "grad_norm/encoder"),
        .init("gradNormDecoder", .float(\.gradNormDecoder), csv: "grad_norm_decoder", tag: "grad_norm/decoder"),
        .init("gradNormDiscriminator", .float(\.gradNormDiscriminator), csv: "grad_norm_discriminator", tag: "grad_norm/discriminator"),
        .init("discriminatorUpdated", .bool(\.discriminatorUpdated), csv: "discriminator_updated", tag: "discriminator_updated"),
        .init("decoderUpdated", .bool(\.decoderUpdated), csv: "decoder_updated", tag: "decoder_updated"),
        .init("gamma", .double(\.gamma), csv: "gamma", tag: "gamma"),
        .init("discriminatorLR", .double(\.discriminatorLR), csv: "discriminator_lr", tag: "discriminator_lr"),
    ]

    public static let blank = GANStepMetrics(encoderLoss: 0, decoderLoss: 0, discriminatorLoss: 0, featureRecon: 0, dReal: 0, dFake: 0,
                                             dPrior: 0, gradNormEncoder: 0, gradNormDecoder: 0, gradNormDiscriminator: 0,
                                             discriminatorUpdated: false, decoderUpdated: false, gamma: 0, discriminatorLR: 0)

    public init(from decoder: Decoder) throws { self = try Self.decodeFields(from: decoder) }
    public func encode(to encoder: Encoder) throws { try encodeFields(to: encoder) }
}
