import Runs
import TerminalUI

extension Screen {
    /// A legend line: each series' mark in its colour (its letter when the terminal has no colour), then its name.
    /// Returns the columns used.
    @discardableResult
    static func legend(_ g: inout Grid, _ r: Rect, _ s: AppState, _ items: [(name: String, key: ThemeRole, tag: String)],
                       short: [String]? = nil) -> Int {
        var x = r.x
        let full = items.reduce(0) { $0 + 2 + $1.name.columns(ascii: s.ascii) + 2 } - 2
        let plain = items.reduce(0) { $0 + $1.name.columns(ascii: s.ascii) + 1 } - 1
        if let short, short.count == items.count, full > r.width {
            // Too narrow for every item with its mark: each item in its own colour without one, shortened if need be.
            let texts = plain <= r.width ? items.map(\.name) : short
            for (item, text) in zip(items, texts) where x + text.columns(ascii: s.ascii) <= r.maxX {
                x += g.text(text + " ", x: x, y: r.y, style: s.theme.style(item.key, [.bold]), maxWidth: max(0, r.maxX - x))
            }
            return x - r.x
        }
        // An item is drawn whole or not at all: a value is never cut ("D(prior) 0" for 0.4008).
        for item in items where x + 2 + item.name.columns(ascii: s.ascii) <= r.maxX {
            let mark = s.lettersForLines ? item.tag + " " : (s.ascii ? "- " : "━ ")
            x += g.text(mark, x: x, y: r.y, style: s.theme.style(item.key, [.bold]), maxWidth: max(0, r.maxX - x))
            x += g.text(item.name + "  ", x: x, y: r.y, style: s.theme.style(.graphText), maxWidth: max(0, r.maxX - x))
        }
        return x - r.x
    }

    /// x positions of keyboard changes.
    static func markers(_ s: AppState) -> [Double] { s.run.changes.map { Double($0.step) + 0.5 } }

    /// The planned future of a schedule after the last step, scaled to meet the value in force now.
    static func future(_ plan: [Double]?, from step: Int, now: Double?, planned: Int) -> ChartSeries? {
        guard let plan, !plan.isEmpty, step < min(planned, plan.count) else { return nil }
        let base = step > 0 && step - 1 < plan.count ? plan[step - 1] : plan[0]
        let scale = (now != nil && base > 0) ? now! / base : 1
        let xs = (step..<min(planned, plan.count)).map { Double($0 + 1) }
        let ys = (step..<min(planned, plan.count)).map { plan[$0] * scale }
        return ChartSeries(xs: [Double(max(step, 1))] + xs, ys: [now ?? ys.first ?? 0] + ys, color: .terminalDefault, dimmed: true)
    }

    /// The steps the time charts show when zoomed in time (`+`, the wheel): the last 1/2^k of the run; nil: all.
    static func timeWindow(_ s: AppState) -> ClosedRange<Double>? {
        guard s.timeZoom > 0, let first = s.run.steps.first, let last = s.run.steps.last, last > first else { return nil }
        let span = (last - first) / Double(1 << min(s.timeZoom, 20))
        return max(first, last - max(span, 1))...last
    }

    /// The x range of the schedule charts (β, lr): the past at full width and a window of the planned future
    /// (a quarter of the chart); zoomed, or once the run has ended, the whole plan.
    static func xRange(_ s: AppState) -> ClosedRange<Double>? {
        let planned = Double(s.run.plannedSteps)
        let last = s.run.steps.last ?? 1
        guard planned > 1 else { return nil }
        let whole = 1...max(planned, last)
        if s.zoomed || s.run.end != nil || last >= planned { return whole }
        let window = max(last / 3, planned / 20, 10)
        return 1...min(planned, last + window)
    }

}
