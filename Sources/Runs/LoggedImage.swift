/// A picture another program logged (a TensorBoard image summary, e.g. a grid of reconstructions), as grey levels.
public struct LoggedImage: Codable, Sendable, Equatable {
    /// The tag it was logged under.
    public var tag: String
    public var rows: Int
    public var cols: Int
    /// rows·cols grey levels 0…255, row by row.
    public var pixels: [UInt8]
    public init(tag: String, rows: Int, cols: Int, pixels: [UInt8]) {
        self.tag = tag; self.rows = rows; self.cols = cols; self.pixels = pixels
    }
}
