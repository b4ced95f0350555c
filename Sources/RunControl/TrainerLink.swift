import Foundation
import Runs
import Synchronization
import Training

/// The trainer thread's mailboxes: commands in, events out. Neither side ever waits on the other.
public final class TrainerLink: Sendable {
    private let inbox = Mutex<[RunCommand]>([])
    private let outbox = Mutex<[RunEvent]>([])
    private let done = Atomic<Bool>(false)
    /// Wakes a paused trainer when a command arrives.
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled once the trainer has finished (and passed on by each waiter, so every wait after it returns at once).
    private let ended = DispatchSemaphore(value: 0)

    public init() {}

    /// Queues a command for the next step boundary.
    public func send(_ command: RunCommand) {
        inbox.withLock { $0.append(command) }
        wake.signal()
    }

    /// Takes every event emitted since the last call.
    public func drain() -> [RunEvent] { outbox.withLock { box in defer { box.removeAll(keepingCapacity: true) }; return box } }

    /// True once the trainer thread has written its end record and exited.
    public var finished: Bool { done.load(ordering: .acquiring) }

    /// Waits (on a semaphore, not a polling loop) until the trainer has finished, at most `seconds` when given;
    /// whether it has.
    @discardableResult
    public func waitUntilFinished(seconds: Double? = nil) -> Bool {
        let got = seconds.map { ended.wait(timeout: .now() + $0) == .success } ?? { ended.wait(); return true }()
        if got { ended.signal() }
        return got
    }

    func takeCommands() -> [RunCommand] { inbox.withLock { box in defer { box.removeAll() }; return box } }
    func post(_ e: RunEvent) { outbox.withLock { $0.append(e) } }
    func idle() { _ = wake.wait(timeout: .now() + .milliseconds(50)) }
    func markFinished() {
        done.store(true, ordering: .releasing)
        ended.signal()
    }
}

/// Runs a trainer on its own thread, wired to a link.
public enum TrainerWorker {
    /// Moves the trainer to a new thread; it stops when finished, on `.stop`, or when `interruption()` gives a reason.
    /// `initial` commands are applied right after the first records (a fork's knob flags, recorded as "fork").
    public static func start(_ trainer: Trainer, resumed: Bool, initial: [RunCommand] = [],
                             interruption: @escaping @Sendable () -> RunSummary.Reason?) -> TrainerLink {
        let link = TrainerLink()
        let box = Handoff(trainer: trainer)
        let thread = Thread {
            let t = box.trainer
            t.sink = { link.post($0) }
            if resumed { t.beginResumed() } else { t.begin() }
            for c in initial { t.apply(c, source: .fork) }
            t.run(Trainer.Control(drain: { link.takeCommands() }, interruption: interruption, idle: { link.idle() }))
            link.markFinished()
        }
        thread.name = "vaetop-trainer"
        thread.stackSize = 8 << 20
        thread.start()
        return link
    }

    /// Hands the trainer to the new thread, which is its only user from then on.
    private final class Handoff: @unchecked Sendable {
        let trainer: Trainer
        init(trainer: Trainer) { self.trainer = trainer }
    }
}
