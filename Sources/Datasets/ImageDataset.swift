/// Images as rows of Float intensities in [0, 1], with their labels.
public struct ImageDataset: Sendable {
    /// count × (rows·cols) intensities, row-major.
    public let images: [Float]
    /// One label per image.
    public let labels: [UInt8]
    /// Image height.
    public let rows: Int
    /// Image width.
    public let cols: Int

    /// The number of images.
    public var count: Int { labels.count }
    /// Pixels per image.
    public var dimension: Int { rows * cols }

    /// Builds a dataset from raw 8-bit pixels (divided by 255).
    public init(pixels: [UInt8], labels: [UInt8], rows: Int, cols: Int) {
        self.images = pixels.map { Float($0) / 255 }
        self.labels = labels
        self.rows = rows
        self.cols = cols
    }

    /// Builds a dataset from intensities already in [0, 1].
    public init(images: [Float], labels: [UInt8], rows: Int, cols: Int) {
        self.images = images
        self.labels = labels
        self.rows = rows
        self.cols = cols
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageDataset {
        var img: [Float] = []
        img.reserveCapacity(indices.count * dimension)
        for i in indices { img.append(contentsOf: images[i * dimension ..< (i + 1) * dimension]) }
        return ImageDataset(images: img, labels: indices.map { labels[$0] }, rows: rows, cols: cols)
    }
}
