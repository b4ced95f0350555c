/// Why a fork from the replay cannot start (the folder for the new run cannot be made), in one line.
public struct ForkRefusal: Error, Equatable, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
