import TensorCore

/// Activation and gradient buffers for batches of up to `capacity` images, allocated once.
public final class Workspace<T: Real>: @unchecked Sendable {
    public let capacity: Int
    /// Input batch (capacity × input).
    public let x: Buffer<T>
    /// Post-ReLU activations of each encoder layer.
    public let enc: [Buffer<T>]
    public let mu: Buffer<T>
    public let logvar: Buffer<T>
    public let std: Buffer<T>
    public let eps: Buffer<T>
    public let z: Buffer<T>
    /// Post-ReLU activations of each decoder layer.
    public let dec: [Buffer<T>]
    public let logits: Buffer<T>
    /// Gradient scratch: one per hidden width.
    public let dEnc: [Buffer<T>]
    public let dDec: [Buffer<T>]
    public let dz: Buffer<T>
    public let dmu: Buffer<T>
    public let dlogvar: Buffer<T>
    public let dlogits: Buffer<T>
    /// Per-dimension KL sums and free-bits weights (latent).
    public let klDims: UnsafeMutablePointer<Double>
    public let klWeights: UnsafeMutablePointer<Double>
    /// Per-layer gradient norms.
    public let layerNorms: UnsafeMutablePointer<Double>

    public init(architecture a: Architecture, capacity: Int) {
        self.capacity = capacity
        x = Buffer(count: capacity * a.input)
        enc = a.encoder.map { Buffer(count: capacity * $0) }
        dEnc = a.encoder.map { Buffer(count: capacity * $0) }
        mu = Buffer(count: capacity * a.latent); logvar = Buffer(count: capacity * a.latent)
        std = Buffer(count: capacity * a.latent); eps = Buffer(count: capacity * a.latent)
        z = Buffer(count: capacity * a.latent); dz = Buffer(count: capacity * a.latent)
        dmu = Buffer(count: capacity * a.latent); dlogvar = Buffer(count: capacity * a.latent)
        dec = a.decoder.map { Buffer(count: capacity * $0) }
        dDec = a.decoder.map { Buffer(count: capacity * $0) }
        logits = Buffer(count: capacity * a.input); dlogits = Buffer(count: capacity * a.input)
        klDims = .allocate(capacity: a.latent); klDims.initialize(repeating: 0, count: a.latent)
        klWeights = .allocate(capacity: a.latent); klWeights.initialize(repeating: 1, count: a.latent)
        let layers = a.layerNames.count
        layerNorms = .allocate(capacity: layers); layerNorms.initialize(repeating: 0, count: layers)
    }

    deinit { klDims.deallocate(); klWeights.deallocate(); layerNorms.deallocate() }
}
