import TensorCore

/// All trainable parameters and their gradients in two flat buffers, with named views.
public final class ParameterStore<T: Real>: @unchecked Sendable {
    /// A named tensor inside the flat buffers.
    public struct Tensor: Sendable, Equatable {
        public let name: String
        public let offset: Int
        public let rows: Int
        public let cols: Int
        /// Index of the layer the tensor belongs to (for per-layer gradient norms).
        public let layer: Int
        public var count: Int { rows * cols }
    }

    /// Parameter values.
    public let values: Buffer<T>
    /// Gradients, same layout.
    public let grads: Buffer<T>
    /// The views, in allocation order.
    public let tensors: [Tensor]
    /// Layer names, indexed by `Tensor.layer`.
    public let layerNames: [String]

    /// Lays out the tensors one after another.
    public init(layout: [(name: String, rows: Int, cols: Int, layer: Int)], layerNames: [String]) {
        var offset = 0
        var ts: [Tensor] = []
        for t in layout {
            ts.append(Tensor(name: t.name, offset: offset, rows: t.rows, cols: t.cols, layer: t.layer))
            offset += t.rows * t.cols
        }
        tensors = ts
        self.layerNames = layerNames
        values = Buffer(count: offset)
        grads = Buffer(count: offset)
    }

    /// Total number of scalars.
    public var count: Int { values.count }

    /// The view named `name`.
    public func tensor(_ name: String) -> Tensor? { tensors.first { $0.name == name } }

    /// Per-layer gradient L2 norms written into `out` (length = layers); returns the global norm.
    @_specialize(exported: true, where T == Float)
    public func gradientNorms(into out: UnsafeMutablePointer<Double>) -> Double {
        for l in 0..<layerNames.count { out[l] = 0 }
        var total = 0.0
        for t in tensors {
            let s = Kernels.sumOfSquares(grads.base + t.offset, t.count)
            out[t.layer] += s
            total += s
        }
        for l in 0..<layerNames.count { out[l] = out[l].squareRoot() }
        return total.squareRoot()
    }
}
