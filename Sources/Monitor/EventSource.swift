import Runs

/// Where the screen's events come from: the trainer thread, a replayed file, a followed file.
public protocol EventSource: AnyObject {
    /// New events since the last call (or a reset with the events to rebuild from).
    func poll(now: Double) -> SourceUpdate
    /// Replay status for the status line (nil for live sources).
    var status: ReplayStatus? { get }
    /// New events of the compared runs (index into `AppState.compared`), for sources that follow several runs.
    func pollCompared(now: Double) -> [(index: Int, update: SourceUpdate)]
    /// Whether the watched run's writer looks dead or silent (nil: alive, ended, or not known).
    var liveness: WriterLiveness? { get }
}

/// A source the keyboard can steer: it delivers commands to a trainer (live: its inbox; a watched run: the command
/// file). Replays and imported logs are not steerable, so they do not conform.
public protocol CommandTarget: AnyObject {
    func send(_ command: RunCommand)
}

/// A source with a replay transport (play, pause, speed, step, jump).
public protocol ReplayTransport: AnyObject {
    func control(_ c: ReplayControl, now: Double)
}

extension EventSource {
    public func pollCompared(now: Double) -> [(index: Int, update: SourceUpdate)] { [] }
    public var liveness: WriterLiveness? { nil }
}

/// What a poll returned.
public enum SourceUpdate: Sendable {
    case none
    case events([RunEvent])
    case reset(ArraySlice<RunEvent>)
}
