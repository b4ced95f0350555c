import Dispatch
import Synchronization

/// Splits element-wise loops over the trainer's thread budget (the same count OpenBLAS uses).
public enum Parallel {
    private static let threadCount = Atomic<Int>(1)

    /// Threads element-wise loops may use.
    public static var threads: Int {
        get { threadCount.load(ordering: .relaxed) }
        set { threadCount.store(max(1, newValue), ordering: .relaxed) }
    }

    /// Calls `body(lo, hi)` over disjoint ranges covering 0..<count: inline when one thread is set or the
    /// work is small, otherwise on `threads` workers. Chunk boundaries are multiples of 64.
    @inlinable public static func chunks(_ count: Int, minimum: Int = 1 << 16, _ body: (Int, Int) -> Void) {
        let t = threads
        guard t > 1, count >= minimum else { body(0, count); return }
        let per = ((count + t - 1) / t + 63) & ~63
        withoutActuallyEscaping(body) { escapable in
            // The ranges are disjoint, so the workers never touch the same element.
            let work = UncheckedBody(run: escapable)
            DispatchQueue.concurrentPerform(iterations: t) { k in
                let lo = min(count, k * per), hi = min(count, lo + per)
                if lo < hi { work.run(lo, hi) }
            }
        }
    }

    /// Runs `body(0)…body(k − 1)` at once, one per worker thread (inline when k is 1).
    @inlinable public static func workers(_ k: Int, _ body: (Int) -> Void) {
        guard k > 1 else { body(0); return }
        withoutActuallyEscaping(body) { escapable in
            let work = UncheckedTask(run: escapable)
            DispatchQueue.concurrentPerform(iterations: k) { work.run($0) }
        }
    }

    /// A task handed to worker threads; callers guarantee the tasks touch disjoint data.
    @usableFromInline struct UncheckedTask: @unchecked Sendable {
        @usableFromInline let run: (Int) -> Void
        @usableFromInline init(run: @escaping (Int) -> Void) { self.run = run }
    }

    /// A loop body handed to worker threads; callers guarantee the ranges do not overlap.
    @usableFromInline struct UncheckedBody: @unchecked Sendable {
        @usableFromInline let run: (Int, Int) -> Void
        @usableFromInline init(run: @escaping (Int, Int) -> Void) { self.run = run }
    }
}
