import Foundation

/// Runs the built `vaetop` executable and captures its output.
public enum Binary {
    /// The products directory of this build (where the test bundle and `vaetop` live).
    public static var productsDirectory: URL {
        for b in Bundle.allBundles where b.bundlePath.hasSuffix(".xctest") { return b.bundleURL.deletingLastPathComponent() }
        return Bundle.main.bundleURL
    }

    /// Path of the `vaetop` executable.
    public static var vaetop: String { productsDirectory.appendingPathComponent("vaetop").path }

    /// Exit status, the two output streams and the time it took.
    public struct Result {
        public let status: Int32
        public var seconds: Double = 0
        public let stdout: String
        public let stderr: String
    }

    /// Runs `vaetop` with `arguments` in `directory`, waiting up to `timeout` seconds.
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil, timeout: Double = 120) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: vaetop)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { p.environment = environment }
        // Output goes to temporary files: no pipe can fill up and block the child.
        let tmp = NSTemporaryDirectory() + "/vaetop-bin-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: tmp + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: tmp + ".err", contents: nil)
        defer { try? FileManager.default.removeItem(atPath: tmp + ".out"); try? FileManager.default.removeItem(atPath: tmp + ".err") }
        let out = FileHandle(forWritingAtPath: tmp + ".out")!, err = FileHandle(forWritingAtPath: tmp + ".err")!
        p.standardOutput = out; p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            // SIGTERM first (the run saves), SIGKILL 5 s later: a child stuck in a system call never hangs the tests.
            p.terminate()
            let kill9 = Date().addingTimeInterval(5)
            while p.isRunning && Date() < kill9 { usleep(10_000) }
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
        try? out.close(); try? err.close()
        let o = FileManager.default.contents(atPath: tmp + ".out") ?? Data()
        let e = FileManager.default.contents(atPath: tmp + ".err") ?? Data()
        return Result(status: p.terminationStatus, seconds: Date().timeIntervalSince(deadline) + timeout,
                      stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
