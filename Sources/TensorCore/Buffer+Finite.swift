extension Buffer {
    /// True when no element is NaN or infinite (checked before a checkpoint may replace the one on disk).
    public var allFinite: Bool {
        var bad = false
        for i in 0..<count where !base[i].isFinite { bad = true; break }
        return !bad
    }
}
