import Runs
import TerminalUI

/// The whole state of the screen: the run's data plus every UI choice. Pure data.
public struct AppState: Sendable {
    /// Live training, a replay, or following another process's run.
    public enum Mode: Sendable, Equatable { case live, replay, follow, rangeTest }

    public var run = RunView()
    public var mode: Mode
    public var width: Int
    public var height: Int
    public var focus: Panel = .loss
    public var zoomed = false
    /// Log scale per chart (default on for lr and KL).
    public var logScale: Set<Panel> = [.lr, .kl]
    /// TensorBoard-style smoothing of the loss and gradient charts.
    public var smoothing = true
    public var theme: Theme
    /// Names `t` cycles through.
    public var themeNames: [String]
    /// What the keyboard is doing (typing, filtering, the help, a question, the rewind cursor): one value.
    public var interaction: Interaction = .normal
    public var selectedKnob: Knob = .lr
    /// Event-log lines scrolled back from the newest (0: following the newest).
    public var logScroll = 0
    /// Only log lines containing this (case-insensitive) are shown; empty: all.
    public var logFilter = ""
    /// The latent dimension selected in the KL panel (its traversal is drawn).
    public var selectedDimension = 0
    /// The KL panel lists dimensions by their current KL, largest first, instead of by index.
    public var sortByKL = false
    /// Time zoom of the charts: 0 shows the whole run, k the last 1/2^k of it (`+` `-`, the mouse wheel).
    public var timeZoom = 0
    /// What the images panel shows (`i` cycles; selecting a dimension shows its traversal).
    public var imagesPage: ImagesPage = .reconstructions
    /// Which of another program's logged pictures the images panel shows (`i` steps through the tags).
    public var loggedImage = 0
    /// The branch the KL panel shows: nil for the live one, else an index into `run.ghosts`.
    public var klBranch: Int?
    /// Values sent to the trainer and not yet acknowledged: the next ← → steps from them, so quick presses add up.
    public var pending: [Hyperparameter: Double] = [:]
    /// The step a watched run had logged when the oldest unanswered change was sent (nil: none waiting).
    public var pendingSince: Int?
    /// A set or clear was sent: a refusal or "nothing changed" from the trainer is flashed.
    public var awaitingChange = false
    /// An undo or rewind was sent: the trainer's answer (its rewind record or its refusal) is flashed.
    public var awaitingRewind = false
    /// `r` paused a running run so that it holds still under the rewind cursor: esc resumes it.
    public var resumeAfterRewind = false
    /// A message shown in the status area until the next key.
    public var flash: (text: String, color: ThemeRole)?
    public var ascii: Bool
    /// Colours the terminal shows: 0 (NO_COLOR or none), 8, 256 or 16,777,216.
    public var colorDepth = 1 << 24
    /// No colour at all: series are told apart by letters.
    public var monochrome: Bool { colorDepth == 0 }
    /// Shades are drawn as characters (ASCII, or 8 colours or fewer, where a colour scale cannot stay ordered).
    public var shadesAsCharacters: Bool { ascii || colorDepth <= 8 }
    /// Set once the loop should end.
    public var quitting = false
    /// A stop was sent; quit as soon as the run's end record arrives.
    public var stopping = false
    /// The schedule the user chose on the range-test screen (`.onecycle`, `.cyclic`), read by the caller after the loop.
    public var choice: LRScheduleConfig.Kind?
    /// Planned schedules, when known.
    public var plan: SchedulePreview?
    /// Replay position and speed, shown in the status line.
    public var replay: ReplayStatus?
    /// Name shown in the status line.
    public var runName: String
    /// Steps of the checkpoints on disk that a replay can fork from (nil: not known, e.g. TensorBoard logs).
    public var checkpointSteps: [Int]?
    /// The step a replay asked to fork at (`f`, confirmed), read by the caller after the loop.
    public var forkAt: Int?
    /// The folder the confirmed fork trains into.
    public var forkFolder: String?
    /// Whether the watched run's writer looks silent or gone (nil: alive, or not known).
    public var liveness: WriterLiveness?
    /// Other runs drawn on the same charts (`vaetop replay A B …`); the first run is `run`. Each run has a slot:
    /// 0 for the first, k for `compared[k - 1]` (`AppState+Compare`).
    public var compared: [ComparedRun] = []
    /// The slot of the run `[` `]` focus: its name leads the status line and its numbers fill the panels.
    public var focusedRun = 0
    /// The slot `run` holds in this state (the focused run's, in the state a frame is drawn from).
    var slotOfRun = 0
    /// Slots of the runs left off the charts (`v`; beyond `AppState.maxDrawn`).
    public var hiddenRuns: Set<Int> = []
    /// Each drawn run's colour: an index into the run palette, kept while it is drawn.
    public var runColors: [Int: Int] = [:]
    /// What the loss panel of a comparison charts for each run (`n`).
    public var compareMetric: CompareMetric = .total
    /// The KL panel of a comparison shows the focused run minus another (`d`) instead of one heatmap per run.
    public var klDifference = false
    /// The run table's order: a column (`RunTable.columns` index) and whether it runs best first.
    public var runSort = RunTable.Sort()
    /// How far the compared runs are revealed in the state a frame is drawn from (nil: derived from `run`).
    var revealLimit: Double?

    public init(mode: Mode, width: Int, height: Int, theme: Theme = .builtin, themeNames: [String] = ["default"],
                ascii: Bool = false, runName: String = "") {
        self.mode = mode; self.width = width; self.height = height; self.theme = theme
        self.themeNames = themeNames; self.ascii = ascii; self.runName = runName
        // A range test ends in a divergence that dwarfs the interesting part: start with a log loss axis.
        if mode == .rangeTest { logScale.insert(.loss) }
    }

    /// Whether training is still going (quitting then asks first).
    public var trainingActive: Bool { mode == .live && run.end == nil }
}

/// Where a replay is and how fast it goes.
public struct ReplayStatus: Sendable, Equatable {
    public var position: Int
    public var total: Int
    public var speed: String
    public var playing: Bool
    /// Lines of the file that could not be read, and why (shown once in the log).
    public var skippedLines: Int
    public init(position: Int, total: Int, speed: String, playing: Bool, skippedLines: Int = 0) {
        self.position = position; self.total = total; self.speed = speed; self.playing = playing; self.skippedLines = skippedLines
    }
}
