import Foundation
import Monitor
import Runs
import Training

/// Range-test points from the worker thread, as screen events.
package final class RangeTestSource: EventSource, @unchecked Sendable {
    package init() {}
    private let lock = NSLock()
    private var pending: [RunEvent] = []
    private var done: LRRangeTest.Result?
    package func post(_ e: RunEvent) { lock.lock(); pending.append(e); lock.unlock() }
    /// Signalled when the test has finished (passed on by the waiter).
    private let ended = DispatchSemaphore(value: 0)
    package func finish(_ r: LRRangeTest.Result) { lock.lock(); done = r; lock.unlock(); ended.signal() }
    /// Waits on a semaphore until the test has finished.
    package func waitUntilFinished() { ended.wait(); ended.signal() }
    package var result: LRRangeTest.Result? { lock.lock(); defer { lock.unlock() }; return done }
    package func poll(now: Double) -> SourceUpdate {
        lock.lock(); defer { lock.unlock() }
        guard !pending.isEmpty else { return .none }
        // Only the newest curve matters; keep the header.
        var out = pending.filter { if case .header = $0 { true } else { false } }
        if let last = pending.last(where: { if case .rangeTest = $0 { true } else { false } }) { out.append(last) }
        pending.removeAll()
        return .events(out)
    }
    package var status: ReplayStatus? { nil }
}
