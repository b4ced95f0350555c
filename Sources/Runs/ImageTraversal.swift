/// A latent traversal: one latent dimension swept while the others stay put, decoded to images. A dimension that
/// carries information changes the digit along the row; a collapsed one changes nothing.
public struct ImageTraversal: Codable, Sendable, Equatable {
    /// The latent dimension swept.
    public var dimension: Int
    /// The values z_j takes, left to right (in units of the prior's σ = 1: −3 … 3).
    public var values: [Double]
    /// A test digit's posterior mean with z_j set to each value, decoded.
    public var test: [[UInt8]]
    /// A prior sample with z_j set to each value, decoded.
    public var prior: [[UInt8]]

    public init(dimension: Int, values: [Double], test: [[UInt8]], prior: [[UInt8]]) {
        self.dimension = dimension; self.values = values; self.test = test; self.prior = prior
    }

    /// The values every vaetop traversal sweeps.
    public static let standardValues: [Double] = [-3, -2, -1, 0, 1, 2, 3]
}
