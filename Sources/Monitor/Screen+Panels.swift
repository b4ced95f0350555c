import Foundation
import Runs
import TerminalUI

extension Screen {

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--:--" }
        guard seconds < 100 * 86_400 else { return seconds < 1e9 ? "\(Int(seconds / 86_400))d" : ">30y" }
        let s = Int(seconds)
        return String(format: "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }

    static func statusLine(_ g: inout Grid, _ s: AppState) {
        let t = s.theme, run = s.run
        g.fill(Rect(x: 0, y: 0, width: s.width, height: 1), Cell(" ", Style(fg: t[.mainFg], bg: t[.selectedBg])))
        let bar = Style(fg: t[.title], bg: t[.selectedBg], attributes: [.bold])
        var x = g.text(" vaetop ", x: 0, y: 0, style: bar)
        // The run's name gives way on narrow terminals (to at least 10 columns) before the numbers do.
        let name = s.runName.isEmpty ? (run.header?.name ?? "") : s.runName
        let nameRoom = s.width >= 110 ? 24 : (s.width >= 90 ? 16 : 10)
        let shownName = name.unicodeScalars.count > nameRoom ? String(name.prefix(nameRoom - 1)) + (s.ascii ? "~" : "…") : name
        x += g.text(shownName, x: x, y: 0, style: Style(fg: t[.mainFg], bg: t[.selectedBg]), maxWidth: nameRoom)
        let stateKey = stateRole(run.state)
        var stateText = run.state.rawValue + (run.skipped > 0 ? " (\(run.skipped) skipped)" : "")
        var stateColor = stateKey
        if let l = s.liveness, run.end == nil {
            // A dead or silent writer never looks alive.
            switch l {
            case .gone: stateText = s.width >= 100 ? l.text : "gone, no end record"; stateColor = .alert
            case .silent(let seconds, _): stateText = s.width >= 100 ? l.text : "silent \(seconds) s"; stateColor = .warn
            }
        }
        x += 1
        x += g.text(" \(s.ascii ? "*" : "●") \(stateText) ", x: x, y: 0, style: Style(fg: t[stateColor], bg: t[.selectedBg], attributes: [.bold]))
        // Each part has a short form and an importance: when the line is too narrow, the least important parts
        // are abbreviated first, then dropped whole, so no number is ever cut and lr, β and λ stay in view.
        var parts: [StatusPart] = []
        if let r = s.replay {
            // "‖" (General Punctuation) is in every font that has box drawing; "⏸" is missing from many.
            let mark = r.playing ? (s.ascii ? ">" : "▶") : (s.ascii ? "||" : "‖")
            // The position is the step part's; this one is the playback's own state.
            parts.append(StatusPart("\(mark) replay \(r.speed)", short: "\(mark) \(r.speed.replacingOccurrences(of: " steps/s", with: "/s"))", rank: 4))
        } else if s.mode == .follow && s.liveness == nil {
            // The run's numbers matter more than the word saying it is watched: it goes first when narrow.
            parts.append(StatusPart("following", rank: 6))
        }
        if let m = run.lastStep {
            let planned = run.expectedSteps > 0 ? max(run.expectedSteps, m.step) : 0
            parts.append(StatusPart("step \(m.step)" + (planned > 0 ? "/\(planned)" : ""), short: "\(m.step)" + (planned > 0 ? "/\(planned)" : ""), rank: 5))
            let logs = { (key: String) in run.header?.logs(key) ?? true }
            if let epochs = run.header?.config.epochs, epochs > 0, logs("epoch") {
                // Another program's log names the epoch, not how many were planned.
                let of = run.header?.logged == nil ? "/\(epochs)" : ""
                parts.append(StatusPart("epoch \(m.epoch)\(of)", short: "ep \(m.epoch)\(of)", rank: 7))
            }
            if m.samplesPerSecond > 0 && logs("samplesPerSecond") { parts.append(StatusPart(String(format: "%.0f img/s", m.samplesPerSecond), rank: 9)) }
            // Only a run that trains has a time left: paused or diverged, the clock is not running down.
            let eta = run.end == nil && run.state == .running ? run.remainingSeconds : nil
            if logs("time") {
                parts.append(StatusPart("elapsed \(clock(m.time))" + (eta.map { " ETA \(clock($0))" } ?? ""),
                                        short: eta.map { "ETA \(clock($0))" } ?? "took \(clock(m.time))", rank: 8))
            }
        }
        if let c = collapseCount(run) { parts.append(c) }
        if run.branch > 0 { parts.append(StatusPart("branch \(run.branch)", rank: 10)) }
        if let p = run.header?.parent { parts.append(StatusPart("forked from \((p.run as NSString).lastPathComponent)@\(p.step)", short: "fork@\(p.step)", rank: 12)) }
        if s.comparing {
            let others = s.compared.count == 1 ? "1 other run" : "\(s.compared.count) other runs"
            parts.append(StatusPart("vs " + s.compared.map(\.name).joined(separator: ", "), short: "vs \(others)", rank: 11))
        }
        parts.append(StatusPart("lr \(run.header?.logs("lr") == false ? "–" : run.current[.lr].map(fmt) ?? "–")", rank: 1))
        if run.logs(.capacity) {
            // Capacity annealing: the weight is γ, and C is what the KL is pulled to.
            parts.append(StatusPart("γ \(run.current[.beta].map(fmt) ?? "–")", rank: 2))
            parts.append(StatusPart("C \(run.capacity.last(where: { $0.isFinite }).map(fmt) ?? "–")", rank: 3))
        } else {
            parts.append(StatusPart("β \(run.header?.logs("beta") == false ? "–" : run.current[.beta].map(fmt) ?? "–")", rank: 2))
        }
        parts.append(StatusPart("λ \(run.header?.logs("freeBits") == false ? "–" : fmt(run.freeBits))", rank: 3))
        let separator = s.ascii ? " | " : " │ "
        let fitted = StatusPart.fit(parts, width: s.width - x - 1, separator: separator, ascii: s.ascii)
        g.text(fitted, x: x + 1, y: 0, style: Style(fg: t[.mainFg], bg: t[.selectedBg]), maxWidth: s.width - x - 1)
    }

    /// The colour of a run's state on the status bar (each legible on `selectedBg` in every shipped theme: tested).
    static func stateRole(_ state: StateChange.State) -> ThemeRole {
        switch state {
        case .running, .finished: return .ok
        case .paused: return .paused
        case .stopped: return .graphText
        case .diverged: return .alert
        }
    }

    /// The roles the status bar draws states and a writer's liveness in.
    static let statusRoles: [ThemeRole] = [.ok, .paused, .graphText, .alert, .warn, .mainFg, .title]

    /// The status line's collapse count: from the last evaluation (test KL below the threshold), else from the
    /// latest step's batch KL; the criterion is part of the text.
    static func collapseCount(_ run: RunView) -> StatusPart? {
        let threshold = run.header?.config.collapseThreshold ?? 0.01
        if let e = run.lastEval, !e.klDims.isEmpty, run.header?.logs("eval.klDims") ?? true {
            // The criterion stays with the count: it is what tells this count from the KL panel's AU.
            return StatusPart("collapsed \(e.collapsed.count)/\(e.klDims.count) (test KL<\(fmt(threshold)))",
                              short: "coll \(e.collapsed.count)/\(e.klDims.count) KL<\(fmt(threshold))", rank: 4)
        }
        guard let dims = run.lastStep?.klDims, !dims.isEmpty else { return nil }
        let n = dims.filter { Double($0) < threshold }.count
        return StatusPart("collapsed \(n)/\(dims.count) (batch KL<\(fmt(threshold)))",
                          short: "coll \(n)/\(dims.count) KL<\(fmt(threshold))", rank: 4)
    }

    static func hintLine(_ g: inout Grid, _ s: AppState) {
        let t = s.theme
        let y = s.height - 1
        if s.confirmQuit {
            // Fitted to the width with "y / n" always in view; once the run has ended there is nothing to stop.
            let choices = s.trainingActive
                ? [" Training is still running. Stop it (final evaluation + checkpoint) and quit? y / n ", " Stop training (final eval + checkpoint) and quit? y / n ", " Stop and quit? y / n "]
                : [" The run has ended. Quit? y / n ", " Quit? y / n "]
            let text = choices.firstFitting(s.width, ascii: s.ascii) ?? choices.last!
            g.text(text, x: 0, y: y, style: t.style(.warn, [.bold]).with(.reverse))
            return
        }
        if let offer = s.confirmFork {
            let choices = [" Fork: train a new run from the checkpoint at step \(offer.checkpoint) into \(offer.folder)? y / n ",
                           " Fork from step \(offer.checkpoint) into \(offer.folder)? y / n ",
                           " Fork from step \(offer.checkpoint)? y / n "]
            let text = choices.firstFitting(s.width, ascii: s.ascii) ?? choices.last!
            g.text(text, x: 0, y: y, style: t.style(.warn, [.bold]).with(.reverse))
            return
        }
        var x = 0
        if let f = s.flash {
            x = g.text(" \(f.text) ", x: 0, y: y, style: t.style(f.color, [.bold]), maxWidth: s.width) + 1
        }
        if let typed = s.filterInput {
            g.text("filter events: \(typed)\(s.ascii ? "_" : "▏")  \(Keymap.modalHints(.filtering, ascii: s.ascii))", x: x, y: y, style: t.style(.hiFg))
            return
        }
        if let typed = s.input {
            g.text("type a value for \(s.selectedKnob.parameter.label): \(typed)\(s.ascii ? "_" : "▏")  \(Keymap.modalHints(.typing, ascii: s.ascii))", x: x, y: y, style: t.style(.hiFg))
            return
        }
        if let at = s.rewindStep {
            x += g.text(rewindHint(s, at: at), x: x, y: y, style: t.style(.hiFg, [.bold]), maxWidth: max(0, s.width - x))
        } else if s.flash == nil, let way = divergenceHint(s) {
            // Diverged: the way back is the whole line (help stays one key away).
            g.text(" \(way) ", x: 0, y: y, style: t.style(.alert, [.bold]), maxWidth: s.width)
            return
        }
        // Too narrow for every hint: the ones before "? help  q quit" go first, so help and quit always show.
        let writerGone = { if case .gone? = s.liveness { true } else { false } }()
        var hints = Keymap.hints(for: s.mode, ascii: s.ascii, rewinding: s.rewindStep != nil, steering: s.run.end == nil && !writerGone,
                                 comparing: s.comparing,
                                 can: s.canSend)
        if s.run.state == .paused || s.run.state == .diverged { hints = hints.map { $0.word == "pause" ? ($0.key, "resume") : $0 } }
        if s.mode == .rangeTest { hints = hints.map { ($0.key, rangeTestHint(s.run.rangeTest, word: $0.word, key: $0.key)) } }
        // A hint is drawn whole or not at all (after a long message, none may fit).
        func width(_ h: [(key: String, word: String)]) -> Int { h.reduce(0) { $0 + $1.key.columns(ascii: s.ascii) + $1.word.count + 3 } }
        // The bottom-right cell is never drawn (writing it scrolls some terminals): the hints end before it.
        let room = s.width - 1
        while hints.count > 2 && x + width(hints) - 2 > room { hints.remove(at: hints.count - 3) }   // the last hint needs no gap
        for (k, what) in hints where x + k.columns(ascii: s.ascii) + 1 + what.count <= room {
            x += g.text(k, x: x, y: y, style: t.style(.hiFg, [.bold]))
            x += g.text(" \(what)  ", x: x, y: y, style: t.style(.graphText))
        }
    }

    /// The help overlay's guards: each rule of the run's header that is on, with how often it fired, and the
    /// triggers that are off (none for a log without a vaetop header).
    static func guardLines(_ s: AppState, keyWidth: Int) -> [String] {
        guard let guards = s.run.header?.config.guards, s.run.header?.logged == nil else { return [] }
        var lines: [String] = []
        var off: [String] = []
        for t in GuardRule.Trigger.allCases {
            let rule = guards[t]
            guard rule.isOn, rule.actions != [.stop] || t != .diverge else { off.append(t.rawValue); continue }
            let fired = s.run.guardFirings[t.rawValue] ?? 0
            lines.append("\(t.rawValue) \(rule.text): fired \(fired) of \(rule.maxFirings)")
        }
        if !off.isEmpty { lines.append("off: " + off.joined(separator: ", ")) }
        return lines.enumerated().map { ($0.offset == 0 ? "guards" : "").rightPadded(keyWidth) + $0.element }
    }

    static func help(_ g: inout Grid, _ s: AppState) {
        // The key column as wide as its widest entry (and a space), so no key runs into its text.
        let help = Keymap.helpLines(for: s.mode)
        let keyWidth = min(16, (help.map { $0.keys.count }.max() ?? 12) + 1)
        let lines = help.map { $0.keys.rightPadded(keyWidth) + $0.text } + guardLines(s, keyWidth: keyWidth)
        let w = min(s.width - 4, (lines.map(\.count).max() ?? 40) + 4), h = min(s.height - 2, lines.count + 2)
        let r = Rect(x: (s.width - w) / 2, y: (s.height - h) / 2, width: w, height: h)
        g.fill(r, Cell(" ", s.theme.style(.mainFg)))
        let inner = Box(title: "keys", focused: true, ascii: s.ascii).render(into: &g, r, theme: s.theme)
        for (i, line) in lines.prefix(inner.height).enumerated() {
            g.text(line, x: inner.x + 1, y: inner.y + i, style: s.theme.style(.mainFg), maxWidth: inner.width - 1)
        }
    }
}
