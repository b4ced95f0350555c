import FileAccess
import Foundation
import Monitor
import Runs

/// Tells from a watched run's folder and records whether its writer still lives: vaetop's own trainer holds
/// `.vaetop-lock` while it writes; the Python client touches `.vaetop-alive` (its pid and host) every 2 s; and any
/// writer's records keep a pace of their own. Checked once a second.
package final class WriterWatch {
    /// The Python client's heartbeat file (docs/tensorboard-and-clients.md).
    static let heartbeatFile = ".vaetop-alive"
    /// A heartbeat older than this means the process is stuck or gone (the client touches it every 2 s).
    static let heartbeatStale = 10.0
    /// No record for this long, and this many step intervals, means silent (the run's own pace decides).
    static let minimumSilence = 30.0
    static let silenceIntervals = 20.0

    let directory: String
    private(set) var liveness: WriterLiveness?
    private var lastStep = 0
    private var lastArrival: Double?
    private var ended = false
    private var paused = false
    /// Training seconds of the latest step records (their pace).
    private var times: [Double] = []
    private var lastCheck = 0.0
    private var header: RunHeader?

    /// Wall-clock seconds (tests move it).
    var clock: () -> Double = { Date().timeIntervalSince1970 }

    init(directory: String) { self.directory = directory }

    /// Takes note of records as they arrive (any record is a sign of life).
    func observe(_ events: some Sequence<RunEvent>, reset: Bool = false) {
        if reset { ended = false; paused = false; times = []; lastStep = 0 }
        let now = clock()
        for e in events {
            lastArrival = now
            switch e {
            case .header(let h): header = h
            case .step(let m):
                lastStep = m.step
                times.append(m.time)
                if times.count > 64 { times.removeFirst(times.count - 64) }
            case .state(let s):
                paused = s.state == .paused
                if s.isResume { ended = false }
            case .end: ended = true
            default: break
            }
        }
        if ended { liveness = nil }
    }

    /// Takes note of what a source's poll delivered.
    func observe(_ update: SourceUpdate) {
        switch update {
        case .events(let e): observe(e)
        case .reset(let e): observe(e, reset: true)
        case .none: break
        }
    }

    /// Looks again (at most once a second); returns the liveness now.
    func check() -> WriterLiveness? {
        let now = clock()
        guard now - lastCheck >= 1 else { return liveness }
        lastCheck = now
        liveness = ended ? nil : assess(now: now)
        return liveness
    }

    private func assess(now: Double) -> WriterLiveness? {
        let fm = FileManager.default
        var heartbeatFresh = false
        // vaetop's trainer: its lock is held while it lives (the kernel drops it with the process).
        let lock = (directory as NSString).appendingPathComponent(RunLock.fileName)
        if fm.fileExists(atPath: lock) {
            do { try RunLock.check(directory) } catch {
                if case .locked = error { heartbeatFresh = true }
            }
            if !heartbeatFresh { return .gone(pid: RunLock.holder(directory) ?? header?.writer?.pid, lastStep: lastStep) }
        }
        // The Python client: its heartbeat file says who writes, and its age how recently.
        let beat = (directory as NSString).appendingPathComponent(Self.heartbeatFile)
        if !heartbeatFresh, let data = try? RegularFile.contents(beat, limit: 4096),
           let writer = try? JSONDecoder().decode(RunWriter.self, from: data) {
            if writer.isGone == true { return .gone(pid: writer.pid, lastStep: lastStep) }
            let modified = ((try? fm.attributesOfItem(atPath: beat)[.modificationDate]) as? Date)?.timeIntervalSince1970 ?? now
            if now - modified > Self.heartbeatStale { return .silent(seconds: Int(now - modified), lastStep: lastStep) }
            heartbeatFresh = true
        } else if !heartbeatFresh, header?.writer?.isGone == true, let pid = header?.writer?.pid {
            return .gone(pid: pid, lastStep: lastStep)
        }
        // Every writer: no record for many of the run's own step intervals (a paused run is quiet on purpose).
        guard !paused, let last = lastArrival else { return nil }
        let quiet = now - last
        if quiet > silenceThreshold { return .silent(seconds: Int(quiet), lastStep: lastStep) }
        return nil
    }

    /// How long a running run may go without a record: 20 of its step intervals, at least 30 s.
    var silenceThreshold: Double {
        guard times.count >= 2 else { return Self.minimumSilence * 2 }
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }.filter { $0.isFinite && $0 >= 0 }.sorted()
        let median = gaps.isEmpty ? 0 : gaps[gaps.count / 2]
        return max(Self.minimumSilence, Self.silenceIntervals * median)
    }
}
