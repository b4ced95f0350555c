/// What one optimizer step measured.
public struct StepMetrics: Codable, Sendable, Equatable {
    /// Global step, 1-based (the step that produced these numbers).
    public var step: Int
    /// Epoch, 1-based.
    public var epoch: Int
    /// Objective per image: reconstruction + β·KL (with free bits applied).
    public var loss: Float
    /// Reconstruction term per image.
    public var recon: Float
    /// Raw KL per image (without free bits).
    public var kl: Float
    /// Raw KL per latent dimension, batch average (nats).
    public var klDims: [Float]
    /// KL term the objective used per dimension (after free bits); nil when free bits are off.
    public var klObjective: Float?
    /// KL per dimension as the objective used it, max(λ, KL_j); nil when free bits are off.
    public var klObjectiveDims: [Float]?
    /// Capacity annealing: the target capacity C of this step (nats); nil in the other β modes.
    public var capacity: Double?
    /// VAE-GAN: the three networks' losses, D's outputs and gradient norms; nil for a plain VAE.
    public var gan: GANStepMetrics? {
        get { ganBox?.value }
        set { ganBox = newValue.map(GANBox.init) }
    }
    /// Where `gan` is kept: out of line, so the records of plain VAEs (most runs) are 64 bytes smaller each.
    private var ganBox: GANBox?
    /// β used.
    public var beta: Double
    /// Learning rate used.
    public var lr: Double
    /// Adam β1 or SGD momentum used, when it is cycled.
    public var momentum: Double?
    /// Free-bits λ in force.
    public var freeBits: Double
    /// Global gradient L2 norm before clipping.
    public var gradNorm: Float
    /// Global gradient L2 norm after clipping.
    public var gradNormClipped: Float
    /// Clip coefficient applied (1 when nothing was clipped).
    public var clipCoef: Float
    /// Per-layer gradient L2 norms before clipping, in layer order.
    public var layerGradNorms: [Float]
    /// Batch size used.
    public var batchSize: Int
    /// Training throughput of this step.
    public var samplesPerSecond: Float
    /// Seconds since the run started (training time only, pauses excluded).
    public var time: Double

    public init(step: Int, epoch: Int, loss: Float, recon: Float, kl: Float, klDims: [Float], klObjective: Float? = nil,
                beta: Double, lr: Double, momentum: Double? = nil, freeBits: Double = 0, gradNorm: Float,
                gradNormClipped: Float, clipCoef: Float = 1, layerGradNorms: [Float], batchSize: Int,
                samplesPerSecond: Float, time: Double) {
        self.step = step; self.epoch = epoch; self.loss = loss; self.recon = recon; self.kl = kl
        self.klDims = klDims; self.klObjective = klObjective; self.beta = beta; self.lr = lr
        self.momentum = momentum; self.freeBits = freeBits; self.gradNorm = gradNorm
        self.gradNormClipped = gradNormClipped; self.clipCoef = clipCoef; self.layerGradNorms = layerGradNorms
        self.batchSize = batchSize; self.samplesPerSecond = samplesPerSecond; self.time = time
    }
}

/// An evaluation on the held-out test split.
public struct EvalMetrics: Codable, Sendable, Equatable {
    /// Step after which it ran.
    public var step: Int
    /// Epoch in which it ran.
    public var epoch: Int
    /// Negative ELBO per image (β = 1, no free bits), nats.
    public var loss: Float
    /// Reconstruction per image.
    public var recon: Float
    /// KL per image.
    public var kl: Float
    /// KL per latent dimension, averaged over the test images.
    public var klDims: [Float]
    /// Variance over test images of each dimension's posterior mean.
    public var meanVariance: [Float]
    /// Active units: dimensions whose posterior-mean variance exceeds 0.01 (Burda et al. 2016).
    public var activeUnits: Int
    /// Collapsed dimensions: test KL below the run's collapse threshold (default 0.01 nats).
    public var collapsed: [Int]
    /// Test images scored.
    public var images: Int
    /// Mutual information I(x; z) between test images and their codes, nats (He et al. 2019's estimator); nil when
    /// the writer did not compute it.
    public var mutualInformation: Float?
    /// The importance-weighted bound on −log p(x) (Burda et al. 2016), nats per image: `iwaeK` samples for each of the
    /// first `iwaeImages` test images; nil when not computed. At most the test loss (the 1-sample bound).
    public var iwae: Float?
    public var iwaeK: Int?
    public var iwaeImages: Int?

    public init(step: Int, epoch: Int, loss: Float, recon: Float, kl: Float, klDims: [Float], meanVariance: [Float],
                activeUnits: Int, collapsed: [Int], images: Int, mutualInformation: Float? = nil) {
        self.step = step; self.epoch = epoch; self.loss = loss; self.recon = recon; self.kl = kl
        self.klDims = klDims; self.meanVariance = meanVariance; self.activeUnits = activeUnits
        self.collapsed = collapsed; self.images = images; self.mutualInformation = mutualInformation
    }
}

/// One VAE-GAN step (losses per image).
public struct GANStepMetrics: Codable, Sendable, Equatable {
    /// Encoder objective: KL + feature-wise reconstruction.
    public var encoderLoss: Float
    /// Decoder objective: γ·feature reconstruction − the discriminator's loss on generated images.
    public var decoderLoss: Float
    /// Discriminator loss: BCE on real, reconstructed and prior-sampled images.
    public var discriminatorLoss: Float
    /// Feature-wise reconstruction error ½‖Dis_l(x) − Dis_l(x̃)‖².
    public var featureRecon: Float
    /// Mean D(x) on real images, D(G(z)) on reconstructions, and on prior samples.
    public var dReal: Float
    public var dFake: Float
    public var dPrior: Float
    public var gradNormEncoder: Float
    public var gradNormDecoder: Float
    public var gradNormDiscriminator: Float
    /// Whether the discriminator / the decoder were updated (the equilibrium rule or a freeze may skip them).
    public var discriminatorUpdated: Bool
    public var decoderUpdated: Bool
    public var gamma: Double
    public var discriminatorLR: Double

    public init(encoderLoss: Float, decoderLoss: Float, discriminatorLoss: Float, featureRecon: Float, dReal: Float, dFake: Float,
                dPrior: Float, gradNormEncoder: Float, gradNormDecoder: Float, gradNormDiscriminator: Float,
                discriminatorUpdated: Bool, decoderUpdated: Bool, gamma: Double, discriminatorLR: Double) {
        self.encoderLoss = encoderLoss; self.decoderLoss = decoderLoss; self.discriminatorLoss = discriminatorLoss
        self.featureRecon = featureRecon; self.dReal = dReal; self.dFake = dFake; self.dPrior = dPrior
        self.gradNormEncoder = gradNormEncoder; self.gradNormDecoder = gradNormDecoder; self.gradNormDiscriminator = gradNormDiscriminator
        self.discriminatorUpdated = discriminatorUpdated; self.decoderUpdated = decoderUpdated; self.gamma = gamma
        self.discriminatorLR = discriminatorLR
    }
}
