import FileAccess
import Foundation
import Monitor
import Runs
import TensorBoard

/// A vaetop run file written by another process, with commands sent through its command channel.
package final class RunFollowSource: EventSource, CommandTarget, FollowNotices {
    let follower: RunFileFollower
    let channel: CommandChannel
    let writer: WriterWatch
    package init(directory: String) {
        follower = RunFileFollower(path: directory)
        channel = CommandChannel(directory: (follower.path as NSString).deletingLastPathComponent)
        writer = WriterWatch(directory: (follower.path as NSString).deletingLastPathComponent)
    }
    package var liveness: WriterLiveness? { writer.check() }
    /// Commands that could not be written, as alerts for the log.
    private var failures: [RunEvent] = []
    private var notices: [String] = []
    package func takeNotices() -> [String] { defer { notices = [] }; return notices }
    private var lastStep = 0
    package func poll(now: Double) -> SourceUpdate {
        var update: SourceUpdate
        switch follower.poll() {
        case .none: update = .none
        case .appended(let e): update = .events(e)
        case .reset(let c):
            let events = ReplaySource.events(c)
            let step = events.last(where: { if case .step = $0 { true } else { false } })?.step ?? 0
            update = .reset(ArraySlice(events + (follower.resetReason.map { [.alert(Alert(step: step, level: .warning, message: $0))] } ?? [])))
            if let why = follower.resetReason { notices.append(why) }
        case .notice(let text):
            notices.append(text)
            update = .events([.alert(Alert(step: lastStep, level: .warning, message: text))])
        }
        update = update.appending(failures)
        failures = []
        if case .events(let e) = update, let s = e.last(where: { if case .step = $0 { true } else { false } }) { lastStep = s.step }
        writer.observe(update)
        return update
    }
    /// Writes the command for the other process; a failure is shown in the event log, never swallowed.
    package func send(_ command: RunCommand) {
        do { try channel.send(command) } catch {
            failures.append(.alert(Alert(step: lastStep, level: .error, message: "command not sent: \(error)")))
        }
    }
    package var status: ReplayStatus? { nil }
}
