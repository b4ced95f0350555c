import Foundation
import Runs

extension Trainer {
    /// Applies a command at a step boundary. A command that changes nothing is answered with an `outcome` record
    /// (refused, with the reason; or applied with "nothing changed"), as a trainer in another process answers.
    public func apply(_ command: RunCommand, source: ChangeSource = .keyboard) {
        switch command {
        case .pause:
            guard !paused else { return }
            paused = true
            emit(.state(StateChange(step: stepsDone, state: .paused, reason: source.rawValue)))
        case .resume:
            guard paused else { return }
            paused = false
            diverged = false
            nanStreak = 0
            emit(.state(StateChange(step: stepsDone, state: .running, reason: source.rawValue)))
        case .checkpoint:
            requestCheckpoint()
        case .evaluate:
            evaluateAndShow()
        case .stop:
            break   // the run loop handles it
        case .undo:
            undoLastChange(source: source)
        case .rewind(let step):
            rewind(toStep: step, source: source)
        case .traverse(let d):
            guard (0..<config.latent).contains(d) else {
                answer(command, .refused, "no latent dimension \(d) to traverse (0…\(config.latent - 1))")
                return
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
                    answer(command, .applied, "\(p.label) is already \(new.map(\.compact) ?? "off"): nothing changed")
                    break
                }
                if let before, old != new { remember(before, detail: "\(p.label) \(old.map(\.compact) ?? "off") → \(new.map(\.compact) ?? "off")") }
                emit(.change(ParameterChange(step: stepsDone, parameter: p, old: old, new: new, source: source.rawValue)))
            } catch {
                answer(command, .refused, "\(error)")
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
                answer(command, .refused, "\(p.label) has no override to clear: set a value")
                return
            }
            let new: Double = p == .lr ? currentLR : (p == .beta ? currentBeta : currentMomentum)
            guard knobs != knobsBefore else {
                answer(command, .applied, "\(p.label) has no override to clear: it follows its schedule")
                break
            }
            if let before, old != new { remember(before, detail: "\(p.label) \(old.map(\.compact) ?? "off") → schedule") }
            emit(.change(ParameterChange(step: stepsDone, parameter: p, old: old, new: new, source: source.rawValue)))
        }
        flush()
    }

    /// The typed answer to a command that changed nothing: an `outcome` record, the Python client's kind.
    func answer(_ command: RunCommand, _ result: CommandOutcome.Result, _ reason: String) {
        var parameter: String?
        if case .set(let p, _) = command { parameter = p.rawValue }
        if case .clear(let p) = command { parameter = p.rawValue }
        emit(.outcome(CommandOutcome(step: stepsDone, id: nil, command: command.name.rawValue, parameter: parameter, outcome: result, reason: reason)))
    }

    /// Keeps the snapshot taken just before an applied change and makes the change undoable.
    private func remember(_ before: TrainingSnapshot, detail: String) {
        keep(before)
        if history.ring.snapshot(id: before.id) != nil {
            history.undo.append(RunHistory.UndoEntry(snapshotID: before.id, step: stepsDone, detail: detail))
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
