/// A flag value outside its accepted range; the message names the flag and the range.
struct ConfigError: Error, CustomStringConvertible {
    let flag: String
    let message: String
    /// The exit status: 64 (usage), or 75 when another process holds the run directory (try again later).
    var exitCode: Int32 = 64
    var description: String { "\(flag): \(message)" }
}
