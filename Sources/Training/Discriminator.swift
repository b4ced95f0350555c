import TensorCore

/// The VAE-GAN discriminator: x → ReLU(Linear) = features Dis_l(x) → Linear → logit of "real".
public final class Discriminator<T: Real>: @unchecked Sendable {
    public let params: ParameterStore<T>
    public let feature: Linear
    public let head: Linear
    public let hidden: Int
    public let input: Int

    /// Activations of one batch.
    public final class Activations: @unchecked Sendable {
        public let features: Buffer<T>
        public let logits: Buffer<T>
        let dFeatures: Buffer<T>
        init(capacity: Int, hidden: Int) {
            features = Buffer(count: capacity * hidden); logits = Buffer(count: capacity); dFeatures = Buffer(count: capacity * hidden)
        }
    }

    public init(input: Int, hidden: Int, rng: inout RandomSource) {
        self.input = input; self.hidden = hidden
        params = ParameterStore(layout: [("feature.weight", hidden, input, 0), ("feature.bias", hidden, 1, 0),
                                         ("head.weight", 1, hidden, 1), ("head.bias", 1, 1, 1)],
                                layerNames: ["feature", "head"])
        feature = Linear(inFeatures: input, outFeatures: hidden, weight: params.tensors[0].offset, bias: params.tensors[1].offset)
        head = Linear(inFeatures: hidden, outFeatures: 1, weight: params.tensors[2].offset, bias: params.tensors[3].offset)
        feature.initialize(params.values.base, rng: &rng)
        head.initialize(params.values.base, rng: &rng)
    }

    /// Buffers for batches of up to `capacity` images.
    public func activations(capacity: Int) -> Activations { Activations(capacity: capacity, hidden: hidden) }

    /// Features (post-ReLU) and logits of `x` (batch × input).
    public func forward(_ x: UnsafePointer<T>, batch: Int, _ a: Activations) {
        let p = UnsafePointer(params.values.base)
        feature.forward(p, x: x, y: a.features.base, batch: batch)
        Kernels.relu(a.features.base, a.features.base, batch * hidden)
        head.forward(p, x: UnsafePointer(a.features.base), y: a.logits.base, batch: batch)
    }

    /// Backward from ∂/∂features (optional) and ∂/∂logits: parameter gradients into `grads` (overwritten) and,
    /// when `dx` is given, ∂/∂x (overwritten).
    public func backward(_ x: UnsafePointer<T>, batch: Int, _ a: Activations, dFeatures: UnsafePointer<T>?, dLogits: UnsafePointer<T>,
                         grads: UnsafeMutablePointer<T>, dx: UnsafeMutablePointer<T>?) {
        let p = UnsafePointer(params.values.base)
        head.backward(p, grads, x: UnsafePointer(a.features.base), dy: dLogits, dx: a.dFeatures.base, batch: batch)
        let n = batch * hidden
        if let dFeatures { for i in 0..<n { a.dFeatures[i] += dFeatures[i] } }
        Kernels.reluBackward(a.features.base, a.dFeatures.base, a.dFeatures.base, n)
        feature.backward(p, grads, x: x, dy: a.dFeatures.base, dx: dx, batch: batch)
    }
}
