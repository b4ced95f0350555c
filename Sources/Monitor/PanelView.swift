import Runs
import TerminalUI

/// One panel of the screen: ratatui's `Widget` (render into a rectangle of the grid) plus what the app needs from
/// it: its identity, titles, whether the run has its data, its badge and its place in the layout. The screen's
/// frame, focus numbers, help and mouse hit-testing derive from `Panel.registry`; a new panel on data the state
/// already holds is one file with its view and one registry line.
protocol PanelView: Sendable {
    /// Its id, titles, place and toggles.
    var meta: PanelMeta { get }
    /// The title for this state (e.g. a VAE-GAN's loss panel names its three losses).
    func title(_ s: AppState) -> String
    /// Whether the run has logged anything it shows (other programs' runs may not log everything).
    func hasData(_ run: RunView) -> Bool
    /// The badge in its border, from the generic one (log scale, smoothing); `room` columns are left for it.
    func badge(_ s: AppState, generic: String, room: Int) -> String
    /// Draws its content into `r` (inside the border).
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState)
    /// Its own key bindings (scope `.focused(id)` for keys that work while it has the focus).
    var keys: [KeyBinding] { get }
    /// Its reducer for its own keys' actions: the effects, or nil when `action` is not one of its.
    func reduce(_ s: inout AppState, _ action: KeyBinding.Action, _ key: Key) -> [Effect]?
}

extension PanelView {
    var id: Panel { meta.id }
    var title: String { meta.title }
    var shortTitle: String { meta.shortTitle }
    var hasLogScale: Bool { meta.hasLogScale }
    var smooths: Bool { meta.smooths }
    var slot: PanelSlot { meta.slot }
    func title(_ s: AppState) -> String { title }
    func hasData(_ run: RunView) -> Bool { true }
    func badge(_ s: AppState, generic: String, room: Int) -> String { generic }
    var keys: [KeyBinding] { [] }
    func reduce(_ s: inout AppState, _ action: KeyBinding.Action, _ key: Key) -> [Effect]? { nil }
}

/// What a panel is, in one line of its file: its id, the title in its border (and the one when that does not fit),
/// its place in the layout (panels sharing a slot show the focused one, else the first registered), whether it is a
/// chart with a log-scale toggle (`l`) and whether smoothing (`m`) applies to it.
struct PanelMeta: Sendable {
    let id: Panel
    let title: String
    let shortTitle: String
    let slot: PanelSlot
    let hasLogScale: Bool
    let smooths: Bool
    init(_ id: Panel, _ title: String, short: String, _ slot: PanelSlot, logScale: Bool = false, smooths: Bool = false) {
        self.id = id; self.title = title; self.shortTitle = short; self.slot = slot; self.hasLogScale = logScale; self.smooths = smooths
    }
}

/// The places of the default layout: a 58/42 split, each side in three rows (the left's middle row split in two,
/// the right's bottom row too).
enum PanelSlot: CaseIterable, Sendable {
    case main, scheduleLeft, scheduleRight, bottom, side, sideMiddle, sideBottomLeft, sideBottomRight

    /// Each slot's rectangle in `body`.
    static func rects(_ body: Rect) -> [PanelSlot: Rect] {
        let cols = body.columns([0.58, 0.42])
        let left = cols[0].rows([0.42, 0.30, 0.28]), right = cols[1].rows([0.42, 0.30, 0.28])
        let schedules = left[1].columns([0.5, 0.5])
        let bottom = right[2].columns([0.48, 0.52])
        return [.main: left[0], .scheduleLeft: schedules[0], .scheduleRight: schedules[1], .bottom: left[2],
                .side: right[0], .sideMiddle: right[1], .sideBottomLeft: bottom[0], .sideBottomRight: bottom[1]]
    }
}
