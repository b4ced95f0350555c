import FileAccess
import Foundation
import Monitor
import Runs
import TensorBoard

/// Several followed runs: the first is shown and steered, the others are compared on the same charts.
package final class ComparingSource: EventSource, CommandTarget, ReplayTransport {
    let main: EventSource
    let others: [EventSource]
    /// The compared runs' names, for their notices in the main event log.
    let names: [String]
    private var forwarded: [String] = []
    private var lastStep = 0
    package init(main: EventSource, others: [EventSource], names: [String] = []) { self.main = main; self.others = others; self.names = names }
    package func poll(now: Double) -> SourceUpdate {
        let update = main.poll(now: now)
        _ = (main as? FollowNotices)?.takeNotices()   // the main run's are in its own events already
        if case .events(let e) = update, let s = e.last(where: { if case .step = $0 { true } else { false } }) { lastStep = s.step }
        defer { forwarded = [] }
        return update.appending(forwarded.map { .alert(Alert(step: lastStep, level: .warning, message: $0)) })
    }
    package func pollCompared(now: Double) -> [(index: Int, update: SourceUpdate)] {
        let updates = others.enumerated().map { ($0.offset, $0.element.poll(now: now)) }
        for (i, other) in others.enumerated() {
            guard let f = other as? FollowNotices else { continue }
            let name = i < names.count ? names[i] : "run \(i + 2)"
            forwarded += f.takeNotices().map { "[\(name)] \($0)" }
        }
        return updates
    }
    package var liveness: WriterLiveness? { main.liveness }
    package func send(_ command: RunCommand) { (main as? CommandTarget)?.send(command) }
    package func control(_ c: ReplayControl, now: Double) { (main as? ReplayTransport)?.control(c, now: now) }
    package var status: ReplayStatus? { main.status }
}
