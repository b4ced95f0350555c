extension Int {
    /// A latent dimension as the screen, the log and alerts name it: "z07" (two digits at least).
    public var latentName: String { "z" + (self >= 0 && self < 10 ? "0" : "") + String(self) }
}
