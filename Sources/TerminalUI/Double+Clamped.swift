extension Double {
    /// This value as an Int within `range`, NaN taken as the lower bound: a conversion that cannot trap, for
    /// numbers that came from a file or from arithmetic on them (±1e308, nan, 1e-40 all land somewhere drawable).
    public func clampedInt(_ range: ClosedRange<Int>) -> Int {
        guard !isNaN else { return range.lowerBound }
        if self <= Double(range.lowerBound) { return range.lowerBound }
        if self >= Double(range.upperBound) { return range.upperBound }
        return Int(self)
    }
}
