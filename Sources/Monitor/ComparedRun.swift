import Runs

/// Another run drawn on the same charts as the first (`vaetop replay A B …`), aligned by step.
public struct ComparedRun: Sendable {
    public var name: String
    /// The whole run, read up front (the first run's replay position decides how much of it is drawn).
    public var run: RunView

    public init(name: String, events: [RunEvent]) {
        self.name = name
        var view = RunView()
        for e in events { view.apply(e) }
        run = view
    }

    init(name: String, view: RunView) { self.name = name; run = view }
}
