import Monitor
import RunControl
import Runs
import Training

/// The trainer thread as an event source for the screen.
package final class LiveSource: EventSource, CommandTarget {
    let link: TrainerLink
    package init(link: TrainerLink) { self.link = link }
    package func poll(now: Double) -> SourceUpdate {
        let e = link.drain()
        return e.isEmpty ? .none : .events(e)
    }
    package func send(_ command: RunCommand) { link.send(command) }
    package var status: ReplayStatus? { nil }
}
