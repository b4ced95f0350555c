/// The VAE-GAN part of a step record (nested under `gan`; exports prefix its columns and tags with the parent's).
extension GANStepMetrics: TabledRecord {
    public static let fields: [RecordField<GANStepMetrics>] = [
        .init("encoderLoss", .float(\.encoderLoss), csv: "encoder_loss", tag: "loss/encoder", series: .ganEncoder, "encoder objective: KL + feature-wise reconstruction, per image"),
        .init("decoderLoss", .float(\.decoderLoss), csv: "decoder_loss", tag: "loss/decoder", series: .ganDecoder, "decoder objective: γ·feature reconstruction − the discriminator's loss on generated images"),
        .init("discriminatorLoss", .float(\.discriminatorLoss), csv: "discriminator_loss", tag: "loss/discriminator", series: .ganDiscriminator, "discriminator BCE on real, reconstructed and prior-sampled images"),
        .init("featureRecon", .float(\.featureRecon), csv: "feature_recon", tag: "loss/feature_recon", "feature-wise reconstruction ½‖Dis_l(x) − Dis_l(x̃)‖²"),
        .init("dReal", .float(\.dReal), csv: "d_real", tag: "d/real", series: .dReal, "mean D(x) on real images"),
        .init("dFake", .float(\.dFake), csv: "d_fake", tag: "d/fake", series: .dFake, "mean D on reconstructions"),
        .init("dPrior", .float(\.dPrior), csv: "d_prior", tag: "d/prior", series: .dPrior, "mean D on prior samples"),
        .init("gradNormEncoder", .float(\.gradNormEncoder), csv: "grad_norm_encoder", tag: "grad_norm/encoder", "encoder gradient L2 norm"),
        .init("gradNormDecoder", .float(\.gradNormDecoder), csv: "grad_norm_decoder", tag: "grad_norm/decoder", "decoder gradient L2 norm"),
        .init("gradNormDiscriminator", .float(\.gradNormDiscriminator), csv: "grad_norm_discriminator", tag: "grad_norm/discriminator", "discriminator gradient L2 norm"),
        .init("discriminatorUpdated", .bool(\.discriminatorUpdated), csv: "discriminator_updated", tag: "discriminator_updated", "whether the discriminator was updated (equilibrium rule, freeze)"),
        .init("decoderUpdated", .bool(\.decoderUpdated), csv: "decoder_updated", tag: "decoder_updated", "whether the decoder was updated (equilibrium rule)"),
        .init("gamma", .double(\.gamma), csv: "gamma", tag: "gamma", "γ in force"),
        .init("discriminatorLR", .double(\.discriminatorLR), csv: "discriminator_lr", tag: "discriminator_lr", "discriminator learning rate in force"),
    ]

    public static let blank = GANStepMetrics(encoderLoss: 0, decoderLoss: 0, discriminatorLoss: 0, featureRecon: 0, dReal: 0, dFake: 0,
                                             dPrior: 0, gradNormEncoder: 0, gradNormDecoder: 0, gradNormDiscriminator: 0,
                                             discriminatorUpdated: false, decoderUpdated: false, gamma: 0, discriminatorLR: 0)

    public init(from decoder: Decoder) throws { self = try Self.decodeFields(from: decoder) }
    public func encode(to encoder: Encoder) throws { try encodeFields(to: encoder) }
}
