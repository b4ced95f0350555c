/// A rectangle of cells.
public struct Rect: Hashable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// Shrinks every side by `n`.
    public func inset(_ n: Int) -> Rect { Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n) }

    /// Splits into columns with the given weights (the last takes the rounding remainder).
    public func columns(_ weights: [Double]) -> [Rect] {
        split(total: width, weights) { Rect(x: x + $0, y: y, width: $1, height: height) }
    }

    /// Splits into rows with the given weights.
    public func rows(_ weights: [Double]) -> [Rect] {
        split(total: height, weights) { Rect(x: x, y: y + $0, width: width, height: $1) }
    }

    private func split(total: Int, _ weights: [Double], _ make: (Int, Int) -> Rect) -> [Rect] {
        let sum = weights.reduce(0, +)
        var out: [Rect] = []
        var offset = 0
        for (i, w) in weights.enumerated() {
            let size = i == weights.count - 1 ? total - offset : Int((Double(total) * w / sum).rounded())
            out.append(make(offset, max(0, min(size, total - offset))))
            offset += size
        }
        return out
    }

    /// Whether the cell (x, y) is inside.
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < maxX && py >= y && py < maxY }
}
