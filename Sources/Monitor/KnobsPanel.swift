import Runs
import TerminalUI

extension Panel { public static let knobs = Panel("knobs") }

/// The hyperparameters the keyboard can change (and another program's logged hparams); the run list when comparing.
struct KnobsPanel: PanelView {
    let meta = PanelMeta(.knobs, "hyperparameters", short: "knobs", .sideBottomLeft)

    func title(_ s: AppState) -> String { s.comparing ? "runs · test loss: lower is better" : title }
    func render(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        if s.comparing { Screen.runTable(&g, r, s) } else { Screen.knobsPanel(&g, r, s) }
    }
}

extension Screen {
    /// One row of the hyperparameter panel: a knob, or a hyperparameter another program's log named.
    enum KnobRow: Equatable { case knob(Knob), hparam(name: String, value: String) }

    /// The panel's rows: the knobs; for another program's log with hparams, the logged knobs, then its hparams
    /// (what the script ran with), then the knobs it did not log.
    static func knobRows(_ s: AppState) -> [KnobRow] {
        let knobs = Knob.available(gan: s.run.isGAN)
        guard let hparams = s.run.header?.hparams, !hparams.isEmpty else { return knobs.map { .knob($0) } }
        let logged = knobs.filter { k in k.loggedAs.map { s.run.header?.logs($0) ?? true } ?? true }
        return logged.map { .knob($0) } + hparams.sorted { $0.key < $1.key }.map { .hparam(name: $0.key, value: $0.value) }
            + knobs.filter { !logged.contains($0) }.map { .knob($0) }
    }

    static func knobsPanel(_ g: inout Grid, _ r: Rect, _ s: AppState) {
        let t = s.theme
        let rows = knobRows(s)
        // The lr and β a schedule drives: a value typed or stepped by hand overrides it until x clears it; such a value
        // carries a "*", and the last row says what the mark means when there is room.
        let overridden = Set([Hyperparameter.lr, .beta].filter { p in s.run.changes.last { $0.parameter == p }.map { $0.new != nil } ?? false })
        let footer = !overridden.isEmpty && r.height > rows.count ? 1 : 0
        if footer == 1 {
            // Who set it: a person, a guard's repair (docs/guards.md), or some of each.
            let guarded = overridden.filter { p in s.run.changes.last { $0.parameter == p }?.origin == .guardRule }
            let choices = guarded.isEmpty ? ["* set by hand (x: schedule)", "* by hand (x clears)", "* by hand"]
                : guarded.count == overridden.count ? ["* set by a guard (x: schedule)", "* by a guard (x clears)", "* guard"]
                : ["* by hand or a guard (x: schedule)", "* hand/guard (x clears)", "* set"]
            fitted(&g, Rect(x: r.x, y: r.maxY - 1, width: r.width, height: 1), t.style(.inactiveFg), choices)
        }
        let visible = max(1, r.height - footer)
        let selectedIndex = s.mode == .replay ? 0 : rows.firstIndex(of: .knob(s.selectedKnob)) ?? 0
        let first = min(max(0, selectedIndex - visible / 2), max(0, rows.count - visible))
        for (row, item) in rows.dropFirst(first).prefix(visible).enumerated() {
            let y = r.y + row
            guard case .knob(let knob) = item else {
                guard case .hparam(let name, let full) = item else { continue }
                let value = full.count > r.width / 2 ? String(full.prefix(max(1, r.width / 2 - 1))) + (s.ascii ? "~" : "…") : full
                // add_hparams' metrics are tagged "hparam/NAME": the name is enough here.
                var shown = "  " + (s.ascii ? name.asciiSpelled : name).replacingOccurrences(of: "hparam/", with: "")
                let room = max(3, r.width - value.count - 1)
                if shown.count > room { shown = String(shown.prefix(room - 1)) + (s.ascii ? "~" : "…") }
                let line = shown.rightPadded(room) + " " + value
                g.text(line.rightPadded(r.width), x: r.x, y: y, style: t.style(.mainFg), maxWidth: r.width)
                continue
            }
            let selected = knob == s.selectedKnob && s.mode != .replay
            var style = selected ? Style(fg: t[.selectedFg], bg: t[.selectedBg], attributes: [.bold]) : t.style(.mainFg)
            // A knob the other process's loop cannot change is dimmed (its value still shows).
            if s.mode == .replay || !s.canSend(knob.parameter.rawValue) { style = selected ? style.with(.dim) : t.style(.inactiveFg) }
            let value: String
            if selected, let typed = s.input {
                value = typed + (s.ascii ? "_" : "▏")
            } else if let v = s.pending[knob.parameter] {
                value = (s.ascii ? "-> " : "→ ") + fmt(v) + (s.ascii ? "..." : "…")   // sent, not yet acknowledged
            } else if let key = knob.loggedAs, s.run.header?.logs(key) == false {
                value = "not logged"   // another program's log: no default shown as if it were a value
            } else if s.run.unknownKnobs.contains(knob.parameter) {
                value = "–"            // the loop has not said its value: nothing is shown as if it were one
            } else {
                value = (s.run.current[knob.parameter].map(knob.parameter.text) ?? "off") + (overridden.contains(knob.parameter) ? "*" : "")
            }
            // Under capacity annealing the β knob sets γ, the weight of |KL − C|.
            let capacity = knob.parameter == .beta && s.run.logs(.capacity)
            let prefix = selected ? (s.ascii ? "> " : "▶ ") : "  "
            // The full name when it fits beside the value, else the short one (never a cut word).
            let full = prefix + (capacity ? "γ (capacity)" : knob.parameter.label)
            let room = r.width - (s.input != nil && selected ? (s.input!.count + 1) : value.count) - 1
            var label = full.columns(ascii: s.ascii) <= room ? full : prefix + (capacity ? "γ" : knob.shortLabel)
            if s.ascii { label = label.asciiSpelled }
            let line = label.rightPadded(max(0, r.width - value.count - 1)) + " " + value
            g.text(line.rightPadded(r.width), x: r.x, y: y, style: style, maxWidth: r.width)
        }
    }
}
