import Foundation

/// A fresh directory under the system temporary folder, removed by `remove()`.
public struct TempDirectory {
    public let path: String

    public init(_ prefix: String = "vaetop-test") {
        path = NSTemporaryDirectory() + "/\(prefix)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
