import Foundation
import Monitor
import Runs
import TestSupport
import Testing
@testable import EventSources
@testable import vaetop

/// A dead or silent trainer never looks alive: the heartbeat file, the lock and the records' own pace.
@Suite struct WriterWatchTests {
    func sampleStep(_ n: Int, time: Double = 0) -> StepMetrics {
        StepMetrics(step: n, epoch: 1, loss: 1, recon: 1, kl: 0, klDims: [0], beta: 1, lr: 1e-3, gradNorm: 1, gradNormClipped: 1,
                    layerGradNorms: [], batchSize: 1, samplesPerSecond: 1, time: time)
    }

    /// The pid of a process that has ended.
    func deadPid() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run(); p.waitUntilExit()
        return p.processIdentifier
    }

    func heartbeat(_ dir: TempDirectory, pid: Int32, host: String = RunWriter.localHost, age: Double = 0) throws {
        let path = dir.file(WriterWatch.heartbeatFile)
        try JSONEncoder().encode(RunWriter(pid: pid, host: host)).write(to: URL(fileURLWithPath: path))
        let when = Date().addingTimeInterval(-age)
        try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
    }

    @Test func aGoneHeartbeatPidIsGoneAStaleOneSilentAFreshOneAlive() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        let w = WriterWatch(directory: dir.path)
        w.observe([.step(sampleStep(7))])
        try heartbeat(dir, pid: getpid())
        #expect(w.check() == nil)
        let stale = WriterWatch(directory: dir.path)
        stale.observe([.step(sampleStep(7))])
        try heartbeat(dir, pid: getpid(), age: 25)
        guard case .silent(let s, 7)? = stale.check() else { Issue.record("a stale heartbeat is not silent"); return }
        #expect(s >= 24)
        // Another host's pid cannot be checked: silent once stale, never "gone".
        let other = WriterWatch(directory: dir.path)
        try heartbeat(dir, pid: try deadPid(), host: "elsewhere-\(UUID().uuidString.prefix(6))", age: 25)
        guard case .silent? = other.check() else { Issue.record("another host's stale heartbeat"); return }
        let dead = WriterWatch(directory: dir.path)
        dead.observe([.step(sampleStep(9))])
        let pid = try deadPid()
        try heartbeat(dir, pid: pid)
        #expect(dead.check() == .gone(pid: pid, lastStep: 9))
        #expect(WriterLiveness.gone(pid: pid, lastStep: 9).text == "ended without an end record (process \(pid) gone)")
        // An end record settles it.
        dead.observe([.end(RunSummary(step: 9, epoch: 1, reason: .finished, testLoss: nil, activeUnits: nil, samplesPerSecond: 0, seconds: 0))])
        #expect(dead.check() == nil)
    }

    /// vaetop's own trainer: a lock nobody holds, and no end record, is a writer gone.
    @Test func aFreeLockWithoutAnEndRecordIsGone() throws {
        let dir = TempDirectory(); defer { dir.remove() }
        try "4242\n".write(toFile: dir.file(RunLock.fileName), atomically: false, encoding: .utf8)
        let w = WriterWatch(directory: dir.path)
        w.observe([.step(sampleStep(3))])
        #expect(w.check() == .gone(pid: 4242, lastStep: 3))
        let held = TempDirectory(); defer { held.remove() }
        let lock = try RunLock(directory: held.path)
        let alive = WriterWatch(directory: held.path)
        alive.observe([.step(sampleStep(3))])
        #expect(alive.check() == nil)
        _ = lock
    }

    /// Without a heartbeat or a lock, the records' own pace: 20 step intervals, at least 30 s.
    @Test func theSilenceThresholdFollowsTheRunsPace() {
        let w = WriterWatch(directory: "/nonexistent")
        w.observe([.step(sampleStep(1, time: 0)), .step(sampleStep(2, time: 0.1))])
        #expect(w.silenceThreshold == 30)
        let slow = WriterWatch(directory: "/nonexistent")
        slow.observe([.step(sampleStep(1, time: 0)), .step(sampleStep(2, time: 5)), .step(sampleStep(3, time: 10))])
        #expect(slow.silenceThreshold == 100)
    }

    /// The no-terminal summary says what the screen says: a run without an end record whose writer is gone.
    @Test func theSummarySaysTheRunEndedWithoutAnEndRecord() throws {
        var h = RunHeader(name: "r", created: "", config: RunConfig(), layers: [], parameters: 1, trainImages: 1, testImages: 1, stepsPerEpoch: 1)
        let pid = try deadPid()
        h.writer = RunWriter(pid: pid, host: RunWriter.localHost)
        let gone = RunFileContents(header: h, events: [.step(sampleStep(5))], skipped: [], tornTail: false)
        #expect(RunDescription.text(gone).contains("no end record: the run ended without one at step 5 (its process \(pid) is gone)"))
        h.writer = .current
        let alive = RunFileContents(header: h, events: [.step(sampleStep(5))], skipped: [], tornTail: false)
        #expect(RunDescription.text(alive).contains("no end record yet: process \(getpid()) on this host is still writing it"))
        // The header field reads back, and a malformed one never makes the run unreadable.
        let line = RunFileCodec.encode(.header(h))
        guard case .header(let back) = try RunFileCodec.decode(Substring(line)) else { Issue.record("no header"); return }
        #expect(back.writer == h.writer)
        let broken = line.replacingOccurrences(of: "\"pid\":\(getpid())", with: "\"pid\":\"x\"")
        guard case .header(let b) = try RunFileCodec.decode(Substring(broken)) else { Issue.record("a malformed writer broke the header"); return }
        #expect(b.writer == nil)
    }

    /// A writer that died but waits to be reaped (a killed DDP rank before torchrun reaps it) is gone too.
    @Test func aZombieWriterIsGone() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { for a in argv { free(a) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, argv, nil) == 0)
        let deadline = Date().addingTimeInterval(5)
        while !RunWriter.isZombie(pid) && Date() < deadline { usleep(10_000) }
        #expect(RunWriter(pid: pid, host: RunWriter.localHost).isGone == true)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(RunWriter(pid: pid, host: RunWriter.localHost).isGone == true)
        #expect(RunWriter.current.isGone == false)
    }

    /// No heartbeat, no lock (another program's TensorBoard log, an old client): the records' own pace. A run that
    /// logged a step a second is silent after 30 s without one; a paused one never is.
    @Test func aRunWithoutAHeartbeatGoesSilentByItsOwnPace() {
        var now = 1_000.0
        let w = WriterWatch(directory: "/nonexistent")
        w.clock = { now }
        w.observe((1...10).map { .step(sampleStep($0, time: Double($0))) })
        #expect(w.check() == nil)
        now += 29
        #expect(w.check() == nil)
        now += 2
        #expect(w.check() == .silent(seconds: 31, lastStep: 10))
        w.observe([.state(StateChange(step: 10, state: .paused, reason: "client"))])
        now += 100
        #expect(w.check() == nil)
    }
}
