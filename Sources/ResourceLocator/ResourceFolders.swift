import Foundation

/// Finds the folders vaetop ships beside its code (`themes`, `sample-runs`, the embedded MNIST subset) wherever it is
/// run from: nothing is found through a path baked in at build time, so a binary copied elsewhere with its `share`
/// folder (`make dist`) finds them as a build does.
public enum ResourceFolders {
    /// The running executable's real path (`/proc/self/exe`; `argv[0]` is just "vaetop" when run from PATH).
    public static var executable: String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().path
    }

    /// Where `name` may be, in order: the current folder (unless `fromCurrentFolder` is false), next to the
    /// executable, `../share/vaetop/` beside it (an installed layout, and `make dist`'s), and the project the
    /// executable was built in (it lives in `.build/<triple>/<config>/`, so every ancestor holding a Package.swift is
    /// tried), at `inProject` there (default: `name`).
    public static func candidates(_ name: String, inProject: String? = nil, fromCurrentFolder: Bool = true,
                                  executable: String = ResourceFolders.executable) -> [String] {
        let fm = FileManager.default
        var out = fromCurrentFolder ? [fm.currentDirectoryPath + "/" + name] : []
        let dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        out.append(dir.appendingPathComponent(name).path)
        out.append(dir.appendingPathComponent("../share/vaetop/\(name)").standardized.path)
        var up = dir
        for _ in 0..<6 {
            up = up.deletingLastPathComponent()
            if fm.fileExists(atPath: up.appendingPathComponent("Package.swift").path) {
                out.append(up.appendingPathComponent(inProject ?? name).path)
                break
            }
        }
        return out
    }

    /// The first candidate folder for `name` that exists.
    public static func find(_ name: String, inProject: String? = nil, fromCurrentFolder: Bool = true) -> String? {
        var isDir: ObjCBool = false
        return candidates(name, inProject: inProject, fromCurrentFolder: fromCurrentFolder)
            .first { FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue }
    }
}
