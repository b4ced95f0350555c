import Foundation
import Runs
import Training

extension Trainer {
    /// Applies a command at a step boundary and returns what became of it, typed as the `outcome` record a trainer in
    /// another process writes. A command that changes nothing is also answered in the run file with that record
    /// (refused, with the reason; or applied with "nothing changed"); an applied change is recorded by what it
    /// changed (`change`, `state`, `rewind`, `eval`, `checkpoint` records).
    @discardableResult
    public func apply(_ command: RunCommand, source: ChangeSource = .keyboard) -> CommandOutcome {
        let outcome = interpret(command, source: source)
        flush()
        return outcome
    }

    /// The command interpreter: does `command` and says how it went.
    private func interpret(_ command: RunCommand, source: ChangeSource) -> CommandOutcome {
        switch command {
        case .pause:
            guard !paused else { return answer(command, .applied, "already paused: nothing changed") }
            paused = true
            emit(.state(StateChange(step: stepsDone, state: .paused, reason: source.rawValue)))
        case .resume:
            guard paused else { return answer(command, .applied, "already running: nothing changed") }
            paused = false
            diverged = false
            guards.pausedByGuard = false
            nanStreak = 0
            emit(.state(StateChange(step: stepsDone, state: .running, reason: source.rawValue)))
        case .checkpoint:
            requestCheckpoint()
        case .evaluate:
            evaluateAndShow()
        case .stop:
            break   // the run loop handles it
        case .undo:
            return undoLastChange(source: source)
        case .rearm:
            return rearmGuards()
        case .rewind(let step):
            return rewind(toStep: step, source: source)
        case .traverse(let d):
            guard (0..<config.latent).contains(d) else {
                return answer(command, .refused, "no latent dimension \(d) to traverse (0…\(config.latent - 1))")
            }
            traversalDimension = d
            if let t = evaluator.traversal(model, dimension: d), let showcase = evaluator.emptyRecord(step: stepsDone) {
                var record = showcase
                record.traversal = t
                emit(.images(record))
            }
        case .set(let p, let v):
            // The snapshot is taken before the change and kept once it applied: `u` goes back to it.
            let before = snapshotsEnabled ? captureSnapshot(.change) : nil
            let knobsBefore = knobs
            do {
                let (old, new) = try set(p, v)
                guard knobs != knobsBefore else {
                    // Nothing changed (e.g. the same value twice): said, not recorded as a change or made undoable.
                    return answer(command, .applied, "\(p.label) is already \(new.map(\.compact) ?? "off"): nothing changed")
                }
                if let before, old != new { remember(before, detail: "\(p.label) \(old.map(\.compact) ?? "off") → \(new.map(\.compact) ?? "off")") }
                emit(.change(ParameterChange(step: stepsDone, parameter: p, old: old, new: new, source: source.rawValue)))
            } catch {
                return answer(command, .refused, "\(error)")
            }
        case .clear(let p):
            let before = snapshotsEnabled ? captureSnapshot(.change) : nil
            let knobsBefore = knobs
            let old: Double?
            switch p {
            case .lr: old = currentLR; knobs.lrMultiplier = 1
            case .beta: old = knobs.betaOverride; knobs.betaOverride = nil
            case .momentum: old = knobs.momentumOverride; knobs.momentumOverride = nil
            default:
                return answer(command, .refused, "\(p.label) has no override to clear: set a value")
            }
            let new: Double = p == .lr ? currentLR : (p == .beta ? currentBeta : currentMomentum)
            guard knobs != knobsBefore else {
                return answer(command, .applied, "\(p.label) has no override to clear: it follows its schedule")
            }
            if let before, old != new { remember(before, detail: "\(p.label) \(old.map(\.compact) ?? "off") → schedule") }
            emit(.change(ParameterChange(step: stepsDone, parameter: p, old: old, new: new, source: source.rawValue)))
        }
        return outcome(command, .applied, from: stepsDone)
    }

    /// The typed outcome of `command` (not recorded).
    func outcome(_ command: RunCommand, _ result: CommandOutcome.Result, from: Int? = nil, _ reason: String? = nil) -> CommandOutcome {
        var parameter: String?
        if case .set(let p, _) = command { parameter = p.rawValue }
        if case .clear(let p) = command { parameter = p.rawValue }
        return CommandOutcome(step: stepsDone, id: nil, command: command.name.rawValue, parameter: parameter, outcome: result,
                              from: from, reason: reason)
    }

    /// The answer to a command that changed nothing, recorded as an `outcome` record (the Python client's kind).
    @discardableResult
    func answer(_ command: RunCommand, _ result: CommandOutcome.Result, _ reason: String) -> CommandOutcome {
        let o = outcome(command, result, reason)
        emit(.outcome(o))
        return o
    }

    /// Keeps the snapshot taken just before an applied change and makes the change undoable (a guard's: undoing it
    /// quiets that guard).
    func remember(_ before: TrainingSnapshot, detail: String, trigger: GuardRule.Trigger? = nil) {
        keep(before)
        if history.ring.snapshot(id: before.id) != nil {
            history.undo.append(RunHistory.UndoEntry(snapshotID: before.id, step: stepsDone, detail: detail, trigger: trigger))
        }
    }

    /// Records an event produced outside the training loop (e.g. the range test that chose this run's schedule).
    public func record(_ event: RunEvent) {
        emit(event)
        flush()
    }

    /// Records an informational note (e.g. the lr range test's result) in the run file.
    public func note(_ message: String) {
        emit(.alert(Alert(step: stepsDone, level: .info, message: message)))
        flush()
    }

    /// The value of a hyperparameter now (nil for "off").
    public func value(of p: Hyperparameter) -> Double? {
        switch p {
        case .lr: return currentLR
        case .beta: return currentBeta
        case .betaTarget: return knobs.betaTarget
        case .freeBits: return knobs.freeBits
        case .clipNorm: return knobs.clipNorm
        case .clipValue: return knobs.clipValue
        case .weightDecay: return knobs.weightDecay
        case .batchSize: return Double(knobs.batchSize)
        case .momentum: return currentMomentum
        case .gamma: return knobs.gamma
        case .discriminatorLR: return knobs.discriminatorLR
        case .freezeDiscriminator: return knobs.freezeDiscriminator ? 1 : 0
        }
    }

    /// Validates and applies a new value; returns (old, new) as recorded.
    func set(_ p: Hyperparameter, _ v: Double) throws(TrainerError) -> (Double?, Double?) {
        if let problem = p.problem(with: v) { throw .invalidCommand(problem) }
        let old = value(of: p)
        switch p {
        case .lr:
            // An lr override scales the schedule: from now on lr(t) = schedule(t) · (v / schedule(now)).
            let scheduled = lrSchedule.lr(at: stepsDone) * batchScale
            guard scheduled > 0 else { throw .invalidCommand("lr: the schedule is at 0 now; cannot scale it") }
            knobs.lrMultiplier = v / scheduled
        case .beta: knobs.betaOverride = v
        case .betaTarget:
            knobs.betaTarget = v
            betaSchedule.config.target = v
        case .freeBits: knobs.freeBits = v
        case .clipNorm: knobs.clipNorm = v > 0 ? v : nil
        case .clipValue: knobs.clipValue = v > 0 ? v : nil
        case .weightDecay: knobs.weightDecay = v
        case .batchSize:
            knobs.batchSize = Int(v)
            family.ensureCapacity(knobs.batchSize)
        case .momentum: knobs.momentumOverride = v
        case .gamma, .discriminatorLR, .freezeDiscriminator:
            guard gan != nil else { throw .invalidCommand("\(p.label) applies to VAE-GAN runs only (--model vae-gan)") }
            if p == .gamma { knobs.gamma = v } else if p == .discriminatorLR { knobs.discriminatorLR = v } else { knobs.freezeDiscriminator = v == 1 }
        }
        return (old, value(of: p))
    }
}
