import FileAccess
import Foundation
import Runs

/// Reading and writing `events.out.tfevents.*` files.
public enum EventFile {
    /// What reading one file gave: events in order, and problems with their offsets.
    public struct Contents: Sendable {
        public var path: String
        public var events: [TensorBoardEvent]
        public var problems: [TFRecord.Problem]
        /// Bytes that form complete records (a follower resumes here).
        public var consumed: Int
    }

    /// True for file names TensorBoard loads (the basename contains "tfevents").
    public static func isEventFile(_ name: String) -> Bool { (name as NSString).lastPathComponent.contains("tfevents") }

    /// The event files in a folder (not recursive), oldest name first.
    public static func files(in dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter(isEventFile).sorted()
            .map { (dir as NSString).appendingPathComponent($0) }
    }

    /// What a sub-folder of a run holds, when it belongs to the run rather than being another run of a sweep.
    public enum Subfolder: Sendable, Equatable {
        /// PyTorch's `add_scalars(main, {key: v})` writes each key into a sub-folder `main_key`, every value tagged `main`.
        case group(tag: String, key: String)
        /// PyTorch's `add_hparams` writes the hparams (and their metric values) into a sub-folder named by the time.
        case hparams

        /// Makes the events of a file in this sub-folder part of the run: a group's one tag becomes "main/key"
        /// (`losses_kl/` gives "losses/kl"); add_hparams' metric values become hparams, not series.
        public func adapt(_ events: inout [TensorBoardEvent]) {
            for i in events.indices {
                switch self {
                case .group(let tag, let key):
                    events[i].scalars = events[i].scalars.map { ($0.tag == tag ? "\(tag)/\(key)" : $0.tag, $0.value) }
                case .hparams:
                    events[i].hparams += events[i].scalars.map { ($0.tag, $0.value.compact) }
                    events[i].scalars = []
                }
            }
        }
    }

    /// What the sub-folder `sub` of a run is; nil for anything else (e.g. another run of a sweep, or a folder whose
    /// parent holds no event files of its own: Lightning writes hparams into the run's own folder). Only the files'
    /// first records are read (`leading`): sweep detection and opening a run must not read every run twice.
    public static func subfolder(_ sub: String) -> Subfolder? {
        let name = (sub as NSString).lastPathComponent
        let files = files(in: sub)
        guard !files.isEmpty, !Self.files(in: (sub as NSString).deletingLastPathComponent).isEmpty, !FileManager.default.fileExists(atPath: (sub as NSString).appendingPathComponent("run.jsonl")) else { return nil }
        var tags = Set<String>(), hparams = false
        for f in files { let l = leading(f); tags.formUnion(l.tags); hparams = hparams || l.hparams }
        if hparams { return .hparams }
        guard name.contains("_"), tags.count == 1, let tag = tags.first, name.hasPrefix(tag + "_"), name.count > tag.count + 1 else { return nil }
        return .group(tag: tag, key: String(name.dropFirst(tag.count + 1)))
    }

    /// The scalar tags of a file's complete records within its first `limit` bytes, and whether they hold hparams.
    static func leading(_ path: String, limit: Int = 1 << 16) -> (tags: Set<String>, hparams: Bool) {
        guard let handle = try? RegularFile.open(path) else { return ([], false) }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: limit)) ?? Data())
        let events = decode(TFRecord.records(bytes).payloads)
        return (Set(events.flatMap { $0.scalars.map(\.tag) }), events.contains { !$0.hparams.isEmpty })
    }

    /// The event files of a run folder with the sub-folder each belongs to (nil: the run's own folder).
    public static func runFiles(in dir: String) -> [(path: String, subfolder: Subfolder?)] {
        var known: [String: Subfolder] = [:]
        return runFiles(in: dir, known: &known)
    }

    /// The same, for a caller that lists a growing run again and again (`vaetop watch`): a sub-folder found to
    /// belong to the run is remembered in `known` and not classified again (its kind never changes); one not
    /// (yet) recognised, e.g. still empty, is looked at again next time.
    public static func runFiles(in dir: String, known: inout [String: Subfolder]) -> [(path: String, subfolder: Subfolder?)] {
        var out: [(String, Subfolder?)] = files(in: dir).map { ($0, nil) }
        let subs = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { (dir as NSString).appendingPathComponent($0) }
        for sub in subs {
            guard let kind = known[sub] ?? subfolder(sub) else { continue }
            known[sub] = kind
            out += files(in: sub).map { ($0, kind) }
        }
        return out
    }

    /// Reads one file; one that is not a regular file (a FIFO, a device) is read as empty, with the reason a problem.
    public static func read(_ path: String) -> Contents {
        let bytes: [UInt8]
        do { bytes = [UInt8](try RegularFile.contents(path, limit: Int.max - 1)) } catch {
            return Contents(path: path, events: [], problems: [TFRecord.Problem(offset: 0, message: error.reason)], consumed: 0)
        }
        let (payloads, problems, consumed) = TFRecord.records(bytes)
        return Contents(path: path, events: decode(payloads), problems: problems, consumed: consumed)
    }

    /// Decodes payloads on two threads for long files (order preserved).
    static func decode(_ payloads: [ArraySlice<UInt8>]) -> [TensorBoardEvent] {
        let n = payloads.count
        let workers = n > 20_000 ? 2 : 1
        var parts = [[TensorBoardEvent]](repeating: [], count: workers)
        parts.withUnsafeMutableBufferPointer { out in
            let box = Box(out)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var tags = TagCache()
                var events: [TensorBoardEvent] = []
                for i in (n * w / workers)..<(n * (w + 1) / workers) {
                    if let e = TensorBoardEvent.decode(payloads[i], tags: &tags) { events.append(e) }
                }
                box.value[w] = events
            }
        }
        return parts.flatMap { $0 }
    }

    /// Hands the output slots to the workers (each writes only its own).
    struct Box<T>: @unchecked Sendable {
        let value: T
        init(_ value: T) { self.value = value }
    }

    /// Writes `events` after a file_version record into `dir`, named as TensorBoard's writer names files.
    @discardableResult
    /// Why an export into `dir` is refused: it holds event files another program wrote (mixing them would put two
    /// runs' series on one chart); nil when it is empty, new, or holds only vaetop's own exports.
    public static func exportProblem(_ dir: String) -> String? {
        let foreign = files(in: dir).filter { !$0.hasSuffix(".vaetop") }
        guard let first = foreign.first else { return nil }
        return "\(dir) holds TensorBoard event files vaetop did not write (\((first as NSString).lastPathComponent)); choose another folder"
    }

    /// Writes `events` as one event file in `dir`, replacing vaetop's earlier exports there (exporting twice must not
    /// double every series in TensorBoard). Returns the new file's path and the files it replaced.
    public static func write(_ events: [TensorBoardEvent], to dir: String, wallTime: Double) throws(FileOutput.Failure) -> (path: String, replaced: [String]) {
        try makeFolder(dir)
        let host = ProcessInfo.processInfo.hostName
        let path = (dir as NSString).appendingPathComponent("events.out.tfevents.\(Int(wallTime)).\(host).\(getpid()).0.vaetop")
        var out = TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: wallTime))
        for e in events { out += TFRecord.frame(e.encoded()) }
        // Written beside, fsync'ed, renamed into place, then the earlier exports removed: never a folder with neither.
        let earlier = files(in: dir).filter { $0.hasSuffix(".vaetop") && $0 != path }
        try FileOutput.atomicReplace(Data(out), at: path)
        for f in earlier { try? FileManager.default.removeItem(atPath: f) }
        return (path, earlier)
    }

    /// Creates `dir` and its parents; a failure names the part of the path that is in the way and why.
    static func makeFolder(_ dir: String) throws(FileOutput.Failure) {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true); return } catch {}
        // Foundation says only "error 512": find the first part of the path that is not a folder one can write into.
        var path = ""
        for part in (dir as NSString).pathComponents {
            path = path.isEmpty ? part : (path as NSString).appendingPathComponent(part)
            var st = stat()
            if lstat(path, &st) != 0 {
                let parent = (path as NSString).deletingLastPathComponent
                if mkdir(path, 0o755) != 0 {
                    throw .failed(path: dir, reason: "cannot create '\(path)' in '\(parent.isEmpty ? "." : parent)': \(FileOutput.describe(errno))")
                }
                continue
            }
            if st.st_mode & S_IFMT == S_IFLNK && stat(path, &st) != 0 {
                throw .failed(path: dir, reason: "'\(path)' is a symlink to nothing")
            }
            guard st.st_mode & S_IFMT == S_IFDIR else {
                throw .failed(path: dir, reason: "'\(path)' is \(RegularFile.kindName(st.st_mode)), not a folder")
            }
        }
        throw .failed(path: dir, reason: "cannot create it")
    }
}
