extension ReplayStatus {
    /// The speeds `<` and `>` step through, in step records per second; the last is as fast as the screen draws.
    public static let speeds: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, .infinity]

    /// A speed as the status line and the help say it.
    public static func label(_ speed: Double) -> String { speed.isInfinite ? "max" : "\(Int(speed)) steps/s" }
}
