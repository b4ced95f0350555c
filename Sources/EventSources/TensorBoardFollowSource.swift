import FileAccess
import Foundation
import Monitor
import Runs
import TensorBoard

/// TensorBoard event files that another process is writing: new records are read from where the last read
/// stopped; a step is shown once a later step has appeared (a step's scalars may span several records).
package final class TensorBoardFollowSource: EventSource, FollowNotices {
    let directory: String
    let mapping: TagMapping
    private var consumed: [String: Int] = [:]
    private var pending: [TensorBoardEvent] = []
    private var started = false
    private var lastCheck = -1.0
    private var lastGrowth = 0.0
    /// Each file's size at its last read: an unchanged file is not read again (a damaged tail is not re-parsed
    /// every frame).
    private var readSize: [String: Int] = [:]
    /// Damage found while reading, reported once each in the event log.
    private var reported: Set<String> = []
    private var alerts: [RunEvent] = []
    /// Files and folders whose deletion or truncation was said (said again only after they came back).
    private var notices: Set<String> = []
    /// The newest step read: where a problem's line goes in the event log.
    private var lastStep = 0
    /// Notices not yet taken by `takeNotices`.
    private var said: [String] = []
    package func takeNotices() -> [String] { defer { said = [] }; return said }
    private var files: [(path: String, subfolder: EventFile.Subfolder?)] = []
    private var lastListing = -1.0
    /// The run's sub-folders recognised so far (their first records are not read again at each listing).
    private var subfolders: [String: EventFile.Subfolder] = [:]

    /// Another program's log has no heartbeat: its records' own pace tells a writer gone silent.
    private lazy var writer = WriterWatch(directory: EventFile.isEventFile(directory) ? (directory as NSString).deletingLastPathComponent : directory)
    package var liveness: WriterLiveness? { started ? writer.check() : nil }

    package init(directory: String, mapping: TagMapping) { self.directory = directory; self.mapping = mapping }

    package func poll(now: Double) -> SourceUpdate {
        let update = read(now: now)
        writer.observe(update)
        return update
    }

    private func read(now: Double) -> SourceUpdate {
        guard now - lastCheck >= 0.033 else { return .none }   // at most once per frame
        lastCheck = now
        var fresh: [TensorBoardEvent] = []
        var reset = false
        // The run's files with its add_scalars groups (sub-folders appear once the script first logs to them):
        // listed again once a second, not every frame.
        if now - lastListing >= 1 || files.isEmpty {
            lastListing = now
            if FileManager.default.fileExists(atPath: directory) {
                files = EventFile.isEventFile(directory) ? [(directory, nil)] : EventFile.runFiles(in: directory, known: &subfolders)
                notices.remove(directory)
                // A file read before and no longer listed was deleted (or renamed away): what was read stays.
                let listed = Set(files.map(\.path))
                for file in consumed.keys.sorted() where !listed.contains(file) && !FileManager.default.fileExists(atPath: file) {
                    notice(file, "\((file as NSString).lastPathComponent) was deleted; the screen keeps what it read")
                }
            } else if started {
                notice(directory, "\(directory) was removed; the screen keeps what it read and shows the run again if it comes back")
            }
        }
        for (file, subfolder) in files {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size]) as? Int else {
                // Deleted (or renamed away): what was read stays on the screen.
                if consumed[file] != nil { notice(file, "\((file as NSString).lastPathComponent) was deleted; the screen keeps what it read") }
                continue
            }
            notices.remove(file)
            let from = consumed[file] ?? 0
            if size < from {
                reset = true
                notice(file, "\((file as NSString).lastPathComponent) was truncated (\(size) bytes, \(from) read): reading the run again from the start")
                break
            }
            guard size > from, size != readSize[file], let h = try? RegularFile.open(file) else { continue }
            defer { try? h.close() }
            readSize[file] = size
            try? h.seek(toOffset: UInt64(from))
            let bytes = [UInt8]((try? h.read(upToCount: size - from)) ?? Data())
            let (payloads, problems, used) = TFRecord.records(bytes)
            consumed[file] = from + used
            for p in problems {
                let key = "\(file)@\(from + p.offset)"
                guard reported.insert(key).inserted else { continue }
                let where_ = (file as NSString).lastPathComponent
                alerts.append(.alert(Alert(step: lastStep, level: .warning, message: "\(where_) offset \(from + p.offset): \(p.message)")))
            }
            var decoded = payloads.compactMap { TensorBoardEvent.decode($0) }
            subfolder?.adapt(&decoded)
            fresh += decoded
        }
        if reset {
            consumed = [:]; pending = []; started = false; readSize = [:]; reported = []; lastStep = 0
            return .reset([])
        }
        // Problems found in this read are said with the records read around them (which were once dropped: a watch
        // stopped at the step before a damaged record for good).
        let update = records(fresh, now: now)
        guard started else { return update }
        defer { alerts = [] }
        return update.appending(alerts)
    }

    /// Says `text` once as a warning in the event log, until `key` is back to normal.
    private func notice(_ key: String, _ text: String) {
        guard notices.insert(key).inserted else { return }
        said.append(text)
        alerts.append(.alert(Alert(step: lastStep, level: .warning, message: text)))
    }

    /// The events freshly read records give (a step once a later one appeared, or after a quiet second).
    private func records(_ fresh: [TensorBoardEvent], now: Double) -> SourceUpdate {
        if fresh.isEmpty {
            // Quiet for a second: the newest step is as complete as it will get for now.
            guard started, !pending.isEmpty, now - lastGrowth > 1 else { return .none }
            let last = RunImport.convert(pending, name: "", mapping: mapping).contents.events
            pending = []
            return .events(last)
        }
        lastGrowth = now
        pending += fresh
        guard let maxStep = pending.map(\.step).max() else { return .none }
        lastStep = max(lastStep, Int(clamping: maxStep))
        let ready = pending.filter { $0.step < maxStep }
        pending = pending.filter { $0.step == maxStep }
        guard !ready.isEmpty || !started else { return .none }
        let converted = RunImport.convert(ready.isEmpty ? pending : ready, name: (directory as NSString).lastPathComponent, mapping: mapping)
        if !started {
            started = true
            return .events([.header(converted.contents.header)] + (ready.isEmpty ? [] : converted.contents.events))
        }
        return .events(converted.contents.events)
    }

    package var status: ReplayStatus? { nil }
}
