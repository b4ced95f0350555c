import FileAccess
import Foundation
import Monitor
import Runs

/// Picks and checks the directory a new run is written to.
enum RunDirectory {
    /// `runs/<UTC timestamp>` under the current directory.
    static func defaultPath() -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyyMMdd-HHmmss"
        f.timeZone = TimeZone(identifier: "UTC")
        return "runs/" + f.string(from: Date())
    }

    /// Creates the directory (after every other check passed); a failure names --out and the reason.
    static func create(_ path: String) throws(ConfigError) {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        catch { throw ConfigError(flag: "--out", message: "cannot create '\(path)': \((error as NSError).localizedDescription)") }
    }

    /// Fails (without creating anything) when `path` cannot hold a new run.
    static func check(_ path: String) throws(ConfigError) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw ConfigError(flag: "--out", message: "'\(path)' exists and is not a directory") }
            do { try RunLock.check(path) } catch { throw ConfigError(flag: "--out", message: error.description, exitCode: 75) }
            let contents = (try? fm.contentsOfDirectory(atPath: path)) ?? []
            guard contents.isEmpty else {
                throw ConfigError(flag: "--out", message: "'\(path)' already holds files; pick a new directory or use --resume")
            }
            guard access(path, W_OK) == 0 else { throw ConfigError(flag: "--out", message: "'\(path)' is not writable") }
            return
        }
        var st = stat()
        if lstat(path, &st) == 0 {   // there, but not followed: a symlink to nothing, or a loop
            throw ConfigError(flag: "--out", message: "'\(path)' is a symlink to nothing (or a loop); remove it or pick another directory")
        }
        // Walk up to the first existing ancestor: it must be a writable directory.
        var ancestor = (path as NSString).deletingLastPathComponent
        if ancestor.isEmpty { ancestor = "." }
        while !fm.fileExists(atPath: ancestor, isDirectory: &isDir) {
            let up = (ancestor as NSString).deletingLastPathComponent
            ancestor = up.isEmpty ? "." : up
        }
        guard isDir.boolValue else { throw ConfigError(flag: "--out", message: "'\(ancestor)' is not a directory") }
        guard access(ancestor, W_OK) == 0 else {
            throw ConfigError(flag: "--out", message: "cannot create '\(path)': '\(ancestor)' is not writable")
        }
    }

    /// The folder a fork from the replay trains into (runs/<timestamp>), with its parent made; or why it cannot be
    /// made, in words that name the folder (the replay flashes it and stays open).
    static func prepareFork() -> Result<String, ForkRefusal> {
        let dir = defaultPath()
        let parent = (dir as NSString).deletingLastPathComponent
        var st = stat()
        if lstat(parent, &st) == 0 && stat(parent, &st) != 0 {
            return .failure(ForkRefusal("'\(parent)' is a symlink to nothing; the new run needs a folder there"))
        }
        if stat(parent, &st) == 0 && st.st_mode & S_IFMT != S_IFDIR {
            return .failure(ForkRefusal("'\(parent)' is \(RegularFile.kindName(st.st_mode)), not a folder; the new run goes in \(parent)/"))
        }
        do { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) } catch {
            return .failure(ForkRefusal("cannot make '\(parent)/' for the new run (\((error as NSError).localizedDescription))"))
        }
        do { try check(dir) } catch { return .failure(ForkRefusal(error.message)) }
        return .success(dir)
    }
}
