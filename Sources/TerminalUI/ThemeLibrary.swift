import Foundation
import ResourceLocator

/// Finds theme files: a path, or a name in the first `themes/` folder that exists.
public struct ThemeLibrary: Sendable {
    /// Folders searched, in order.
    public let folders: [String]

    public init(folders: [String]) { self.folders = folders }

    /// `$VAETOP_THEMES`, then `ResourceFolders.candidates("themes")` (the current folder, beside the executable,
    /// an installed share folder, the project it was built in).
    public static func standard(executable: String = ResourceFolders.executable) -> ThemeLibrary {
        var f: [String] = []
        if let env = ProcessInfo.processInfo.environment["VAETOP_THEMES"] { f.append(env) }
        f += ResourceFolders.candidates("themes", executable: executable)
        return ThemeLibrary(folders: f)
    }

    /// Names of the themes in the first folder that has any, sorted with "default" first.
    public var names: [String] {
        for folder in folders {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            let names = files.filter { $0.hasSuffix(".theme") }.map { String($0.dropLast(6)) }
            if !names.isEmpty { return names.sorted { ($0 == "default" ? "" : $0) < ($1 == "default" ? "" : $1) } }
        }
        return ["default"]
    }

    /// Loads a theme by path or name; a broken or missing one gives the built-in theme and the error.
    public func load(_ nameOrPath: String) -> (Theme, ThemeError?) {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme") {
            do { return (try ThemeParser.load(path: nameOrPath), nil) } catch { return (.builtin, error) }
        }
        for folder in folders {
            let p = folder + "/" + nameOrPath + ".theme"
            if FileManager.default.fileExists(atPath: p) {
                do { return (try ThemeParser.load(path: p), nil) } catch { return (.builtin, error) }
            }
        }
        if nameOrPath == "default" { return (.builtin, nil) }
        return (.builtin, ThemeError(file: nameOrPath, line: 0, message: "no such theme (looked in \(folders.joined(separator: ", ")))"))
    }
}
