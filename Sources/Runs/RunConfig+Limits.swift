/// The accepted range of every setting. The command line and the run-file reader check the same rules (the rows of
/// `RunConfig.settings`), so a header can never carry a value that the trainer, the schedules or the screen were
/// not written for.
extension RunConfig {
    /// A setting outside its range: the flag that sets it and what is wrong.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var flag: String
        public var message: String
        public var description: String { "\(flag): \(message)" }
        /// The problem as a file states it ("config: lr must be in …"), for headers and checkpoints.
        public var inFile: String { "config: \(flag.hasPrefix("--") ? String(flag.dropFirst(2)) : flag) \(message)" }
    }

    /// The first setting out of range, in table order (the rules that tie two settings after their rows);
    /// nil when every setting is acceptable.
    public func problem() -> Problem? {
        for s in Self.settings {
            if let m = s.problem(in: self) { return Problem(flag: s.shownName, message: m) }
            if let m = crossProblem(after: s.name) { return Problem(flag: s.shownName, message: m) }
        }
        return nil
    }

    /// The rules between settings, checked right after the row they are named by.
    private func crossProblem(after name: String) -> String? {
        switch name {
        case "optimizer.nesterov" where optimizer.nesterov && (optimizer.momentum <= 0 || optimizer.dampening != 0):
            return "needs --momentum > 0 and --dampening 0 (as PyTorch)"
        case "lrSchedule.pctStart" where lrSchedule.threePhase && lrSchedule.pctStart >= 0.5:
            return "must be < 0.5 with --three-phase"
        // 0 is what older run files hold when warmup is off.
        case "lrSchedule.warmupStartFactor" where lrSchedule.warmupSteps > 0 && lrSchedule.warmupStartFactor <= 0:
            return "must be in (0, 1] with --warmup-steps, got \(lrSchedule.warmupStartFactor)"
        case "guards.diverge", "guards.spike", "guards.collapse", "guards.plateau":
            let rule = guards[GuardRule.Trigger(rawValue: String(name.dropFirst("guards.".count)))!]
            if rule.actions.contains(.restartCycle) && betaSchedule.kind != .cyclical {
                return "restart-cycle restarts the cyclical β ramp: it needs --beta-schedule cyclical"
            }
            return nil
        default: return nil
        }
    }
}
