import Monitor
import Runs

/// Plays a saved run's events at a number of step records per second (1 … 5000, or as fast as possible).
///
/// Steps per second, not multiples of the recorded wall time: a run trained at 2,000 steps/s would otherwise be
/// over before a person can look at it, and the default (`defaultSpeed`) plays any run in about a minute.
public final class ReplaySource: EventSource, ReplayTransport {
    /// All events, header first.
    public let events: [RunEvent]
    /// Lines of the file that were skipped when reading it.
    public let skippedLines: Int
    /// Index of the next event to deliver.
    public private(set) var cursor = 0
    public private(set) var playing = true
    public private(set) var speedIndex: Int
    /// The speeds `<` and `>` step through (`ReplayStatus.speeds`, which the help states).
    static let speeds = ReplayStatus.speeds
    /// How long the default speed takes to play a run, at most (seconds).
    static let defaultDuration = 60.0
    /// Step records delivered before wall time `anchorWall`.
    private var anchorSteps = 0
    private var anchorWall: Double?
    /// Step records in events[..<cursor].
    private var deliveredSteps = 0
    /// Events delivered per frame at "max".
    static let maxPerPoll = 4000

    /// Said once the replay reaches the end of a run that has no end record and whose writer is gone.
    private let endedWithout: WriterLiveness?

    public var liveness: WriterLiveness? { cursor >= events.count ? endedWithout : nil }

    public init(events: [RunEvent], skippedLines: Int = 0) {
        self.events = events
        self.skippedLines = skippedLines
        var steps = 0, lastStep = 0, ended = false
        var writer: RunWriter?
        for e in events {
            switch e {
            case .step(let m): steps += 1; lastStep = m.step
            case .end: ended = true
            case .header(let h): writer = h.writer
            default: break
            }
        }
        endedWithout = !ended && writer?.isGone == true ? .gone(pid: writer?.pid, lastStep: lastStep) : nil
        speedIndex = Self.defaultSpeedIndex(steps: steps)
    }

    /// The slowest speed of at least 10 steps/s that plays `steps` step records within `defaultDuration`.
    static func defaultSpeedIndex(steps: Int) -> Int {
        speeds.firstIndex { $0 >= 10 && Double(steps) / $0 <= defaultDuration } ?? speeds.count - 1
    }

    /// A speed as the status line shows it.

    public var status: ReplayStatus? {
        ReplayStatus(position: stepAt(cursor), total: stepAt(events.count), speed: ReplayStatus.label(Self.speeds[speedIndex]),
                     playing: playing && cursor < events.count, skippedLines: skippedLines)
    }

    /// The step reached after delivering events[..<i].
    private func stepAt(_ i: Int) -> Int {
        var j = min(i, events.count) - 1
        while j >= 0 { if case .step(let m) = events[j] { return m.step }; j -= 1 }
        return 0
    }

    /// Moves the cursor to `i`, keeping the count of step records delivered.
    private func advance(to i: Int) {
        if i >= cursor {
            for e in events[cursor..<i] { if case .step = e { deliveredSteps += 1 } }
        } else {
            for e in events[i..<cursor] { if case .step = e { deliveredSteps -= 1 } }
        }
        cursor = i
    }

    public func poll(now: Double) -> SourceUpdate {
        if let t = resetTarget {
            // A backward jump rebuilds the run from its start.
            resetTarget = nil; advance(to: t)
            return .reset(events[0..<t])   // a slice: a seek back never copies the run
        }
        if let t = forwardTarget {
            forwardTarget = nil
            if t > cursor { let from = cursor; advance(to: t); return .events(Array(events[from..<t])) }
        }
        guard cursor < events.count else { return .none }
        if cursor == 0 {
            // The header and everything before the first step arrive at once.
            var end = 1
            while end < events.count { if case .step = events[end] { break }; end += 1 }
            advance(to: end)
            anchorWall = now; anchorSteps = deliveredSteps
            return .events(Array(events[0..<end]))
        }
        guard playing else { anchorWall = nil; return .none }
        if anchorWall == nil { anchorWall = now; anchorSteps = deliveredSteps }
        let speed = Self.speeds[speedIndex]
        var end = cursor
        if speed.isInfinite {
            end = min(events.count, cursor + Self.maxPerPoll)
        } else {
            // Every step record due by now, and the records that follow the last of them (evaluations, changes).
            var allowed = anchorSteps + Int((now - anchorWall!) * speed) - deliveredSteps
            while end < events.count {
                if case .step = events[end] { if allowed <= 0 { break }; allowed -= 1 }
                end += 1
            }
        }
        guard end > cursor else { return .none }
        let from = cursor
        advance(to: end)
        return .events(Array(events[from..<end]))
    }


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
