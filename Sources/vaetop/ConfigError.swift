/// A flag value outside its accepted range; the message names the flag and the range.
struct ConfigError: Error, CustomStringConvertible {
    let flag: String
    let message: String
    var description: String { "\(flag): \(message)" }
}
