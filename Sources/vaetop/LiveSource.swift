import Monitor
import RunControl
import Runs
import Training

/// The trainer thread as an event source for the screen.
final class LiveSource: EventSource, CommandTarget {
    let link: TrainerLink
    init(link: TrainerLink) { self.link = link }
    func poll(now: Double) -> SourceUpdate {
        let e = link.drain()
        return e.isEmpty ? .none : .events(e)
    }
    func send(_ command: RunCommand) { link.send(command) }
    var status: ReplayStatus? { nil }
}
