import Runs
import TerminalUI

/// Everything that can happen to the screen.
public enum Action: Sendable {
    /// Events from the trainer, replay or followed file.
    case events([RunEvent])
    /// New events of a compared run (`vaetop watch A B`), or its rebuild from scratch.
    case comparedEvents(Int, [RunEvent])
    case comparedReset(Int, ArraySlice<RunEvent>)
    /// The replay source rewound: start from an empty run, then these events.
    case reset(ArraySlice<RunEvent>)
    case key(Key)
    /// A click or a wheel turn over a panel.
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// SIGINT / SIGTERM / SIGHUP.
    case interrupt
    case replayStatus(ReplayStatus)
    /// A theme finished loading (with the problem, if the file was broken).
    case themeLoaded(Theme, problem: String?)
    /// The watched run's writer was found silent or gone (nil: alive again).
    case liveness(WriterLiveness?)
    /// The answer to `prepareFork`: the folder a fork would train into, or why none can be made.
    case forkPrepared(at: Int, checkpoint: Int, Result<String, ForkRefusal>)
    /// The message in the status area has been up for `App.flashSeconds`.
    case flashExpired
}


/// What the reducer asks the outside world to do.
public enum Effect: Equatable, Sendable {
    /// A command for the trainer (live) or the external client (follow).
    case command(RunCommand)
    case replay(ReplayControl)
    case loadTheme(String)
    /// Leave the screen with a choice (the range test's "train with these bounds").
    case choose(LRScheduleConfig.Kind)
    /// Find the folder a fork at this step would train into (the replay asks before it forks), from `checkpoint`.
    case prepareFork(at: Int, checkpoint: Int)
    /// Leave the replay and train a new run from the checkpoint at or before this step into `folder` (`f`, then y).
    case fork(Int, folder: String)
    case quit
}

/// Replay transport.
public enum ReplayControl: Equatable, Sendable {
    case togglePlay, faster, slower, forward, back, start, end
}
