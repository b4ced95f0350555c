import Runs

/// Plays a saved run's events with a clock: 1×, 10×, 100× the training time, or as fast as possible.
public final class ReplaySource: EventSource {
    /// All events, header first.
    public let events: [RunEvent]
    /// Lines of the file that were skipped when reading it.
    public let skippedLines: Int
    /// Index of the next event to deliver.
    public private(set) var cursor = 0
    public private(set) var playing = true
    public private(set) var speedIndex = 1
    public static let speeds: [(String, Double)] = [("1x", 1), ("10x", 10), ("100x", 100), ("max", .infinity)]
    /// Replay time (training seconds) at wall time `anchorWall`.
    private var anchorTime = 0.0
    private var anchorWall: Double?
    /// Events delivered per frame at "max".
    static let maxPerPoll = 4000

    public init(events: [RunEvent], skippedLines: Int = 0) {
        self.events = events
        self.skippedLines = skippedLines
    }

    /// Training time of event i: the `time` of the last step record at or before it.
    private func time(at i: Int) -> Double {
        var j = min(i, events.count - 1)
        while j >= 0 { if case .step(let m) = events[j] { return m.time }; j -= 1 }
        return 0
    }

    public var status: ReplayStatus? {
        ReplayStatus(position: stepAt(cursor), total: stepAt(events.count), speed: Self.speeds[speedIndex].0,
                     playing: playing && cursor < events.count, skippedLines: skippedLines)
    }

    /// The step reached after delivering events[..<i].
    private func stepAt(_ i: Int) -> Int {
        var j = min(i, events.count) - 1
        while j >= 0 { if case .step(let m) = events[j] { return m.step }; j -= 1 }
        return 0
    }

    public func poll(now: Double) -> SourceUpdate {
        if let t = resetTarget {
            // A backward jump rebuilds the run from its start.
            resetTarget = nil; cursor = t
            return .reset(events[0..<t])   // a slice: a seek back never copies the run
        }
        if let t = forwardTarget {
            forwardTarget = nil
            if t > cursor { defer { cursor = t }; return .events(Array(events[cursor..<t])) }
        }
        guard cursor < events.count else { return .none }
        if cursor == 0 {
            // The header and everything before the first step arrive at once.
            var end = 1
            while end < events.count { if case .step = events[end] { break }; end += 1 }
            cursor = end
            anchorWall = now; anchorTime = 0
            return .events(Array(events[0..<end]))
        }
        guard playing else { anchorWall = nil; return .none }
        if anchorWall == nil { anchorWall = now; anchorTime = time(at: cursor - 1) }
        let speed = Self.speeds[speedIndex].1
        var end = cursor
        if speed.isInfinite {
            end = min(events.count, cursor + Self.maxPerPoll)
        } else {
            let target = anchorTime + (now - anchorWall!) * speed
            while end < events.count {
                if case .step(let m) = events[end], m.time > target { break }
                end += 1
            }
        }
        guard end > cursor else { return .none }
        defer { cursor = end }
        return .events(Array(events[cursor..<end]))
    }

    public func send(_ command: RunCommand) {}

    public func control(_ c: ReplayControl, now: Double) {
        switch c {
        case .togglePlay: playing.toggle(); anchorWall = nil
        case .faster: speedIndex = min(Self.speeds.count - 1, speedIndex + 1); anchorWall = nil
        case .slower: speedIndex = max(0, speedIndex - 1); anchorWall = nil
        case .forward: seek(to: cursor + jump)
        case .back: seek(to: cursor - jump)
        case .start: seek(to: 1)
        case .end: seek(to: events.count)
        }
    }

    /// 1% of the run per ← / →.
    private var jump: Int { max(1, events.count / 100) }

    private var resetTarget: Int?
    private var forwardTarget: Int?

    private func seek(to i: Int) {
        let target = max(1, min(events.count, i))
        if target < cursor { resetTarget = target } else { forwardTarget = target }
        anchorWall = nil
    }
}
