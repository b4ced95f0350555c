import Foundation
import Runs
import Training

extension Trainer {
    /// The guards' firings so far (for the run's summary), and the triggers that were needed after their last try.
    public var guardFirings: [(trigger: GuardRule.Trigger, step: Int, text: String)] { guards.firings.map { ($0.trigger, $0.step, $0.text) } }
    public var guardsRanOut: Set<GuardRule.Trigger> { guards.ranOut }
    /// How often `trigger`'s rule fired, and whether an undo quieted it.
    public func guardCount(_ t: GuardRule.Trigger) -> Int { guards.count(t) }
    public func guardQuiet(_ t: GuardRule.Trigger) -> Bool { guards.quiet.contains(t) }

    /// A non-finite streak reached `--nan-patience`: true when the diverge rule repaired it (the run goes on).
    func guardDiverge() -> Bool {
        fireGuard(.diverge, reason: "\(nanStreak) non-finite steps in a row", rewindTarget: lastSnapshotBeforeStreak)
    }

    /// After a trained step: true when the spike rule fired on it (the step is rewound; nothing else is due).
    func guardSpike(_ m: StepMetrics) -> Bool {
        // The range test's steps are not the run's: its rising loss is the point, and must not teach the window.
        guard config.guards.spike.isOn, !guards.quiet.contains(.spike), !recorder.muted else { return false }
        guard let s = guards.spike(step: m.step, loss: Double(m.loss), grad: Double(m.gradNorm)) else { return false }
        let rule = config.guards.spike
        let why = "\(s.what) \(s.value.compact) > \(rule.k.compact) × median \(s.median.compact) of the last \(rule.window) steps"
        // Back to before the spike's own step trained.
        return fireGuard(.spike, reason: why, rewindTarget: history.ring.latest(atOrBefore: m.step - 1))
    }

    /// After an evaluation during training: the collapse and plateau rules.
    func guardEvaluation(_ e: EvalMetrics) {
        let collapsed = Set(e.collapsed)
        defer { guards.lastCollapsed = collapsed; guards.lastActive = e.activeUnits }
        if config.guards.collapse.isOn {
            let newly = collapsed.subtracting(guards.lastCollapsed ?? []).sorted()
            var why: [String] = []
            if !newly.isEmpty { why.append("\(newly.map(\.latentName).joined(separator: ", ")) collapsed (test KL < \(config.collapseThreshold.compact) nats)") }
            if let before = guards.lastActive, e.activeUnits < before { why.append("active units \(before) → \(e.activeUnits)") }
            if !why.isEmpty, fireGuard(.collapse, reason: why.joined(separator: "; "), rewindTarget: history.ring.items.last(where: \.finite)) { return }
        }
        if config.guards.plateau.isOn, e.loss.isFinite, guards.plateau(testLoss: Double(e.loss)) {
            let rule = config.guards.plateau
            let n = rule.patience + 1
            fireGuard(.plateau, reason: "test loss not better than \(guards.best.compact) for \(n) evaluation\(n == 1 ? "" : "s")",
                      rewindTarget: history.ring.items.last(where: \.finite))
        }
    }

    /// Does `trigger`'s actions when its rule may fire: each a recorded change (source `guard`, with the rule and the
    /// reason), a `rewind` record, a `skip` record; an alert says what was done. The changes after the rewind are one
    /// undoable entry. false when the rule did nothing (off, quieted, out of tries, `stop`): the caller falls back to
    /// the behaviour without guards.
    @discardableResult
    func fireGuard(_ trigger: GuardRule.Trigger, reason: String, rewindTarget: TrainingSnapshot?) -> Bool {
        let rule = config.guards[trigger]
        guard !recorder.muted else { return false }
        guard guards.mayFire(trigger) else {
            if guards.ranOut.contains(trigger) && !guards.ranOutNoted.contains(trigger) {
                guards.ranOutNoted.insert(trigger)
                // Its repairs did not help: u goes back to the change that caused the trouble (lr 0.001 → 10), as it
                // did without guards, not to one of the repairs.
                if trigger == .diverge { history.undo.removeAll { $0.trigger == .diverge } }
                emit(.alert(Alert(step: stepsDone, level: .warning, message: "guard \(trigger.rawValue): out of tries (\(rule.maxFirings) of \(rule.maxFirings)); not repairing: \(reason)",
                                  guardTrigger: trigger.rawValue)))
            }
            return false
        }
        let ruleText = "\(trigger.rawValue): \(rule.text)"
        if rule.actions == [.stop] {
            // Divergence: what the run did without guards (pause; exit 3 headless). Any other trouble ends the run.
            guard trigger != .diverge else { return false }
            let number = guards.fire(trigger)
            guards.stopRequested = true
            guards.firings.append(.init(trigger: trigger, step: stepsDone, text: "stopped the run (\(number) of \(rule.maxFirings))"))
            emit(.alert(Alert(step: stepsDone, level: .warning, message: "guard \(trigger.rawValue): stopped the run; \(reason)",
                              guardTrigger: trigger.rawValue, guardFiring: number)))
            flush()
            return true
        }
        let number = guards.fire(trigger)
        let from = stepsDone
        // Factors apply to the values the run was in trouble with, before any rewind.
        let before = Dictionary(uniqueKeysWithValues: Hyperparameter.allCases.map { ($0, value(of: $0)) })
        var did: [String] = []
        var undoBase: TrainingSnapshot?
        var undoDetails: [String] = []
        for action in rule.actions {
            if action != .rewind && action != .pause && undoBase == nil && snapshotsEnabled { undoBase = captureSnapshot(.change) }
            switch action {
            case .rewind:
                guard let target = rewindTarget else { did.append("no snapshot to rewind to"); continue }
                rewind(to: target, reason: .guardRule, detail: "guard \(trigger.rawValue): \(reason)", source: .guardRule, resume: true)
                did.append("rewound \(from) → \(target.step)")
            case .skip(let n):
                let (batches, images) = skipBatches(n)
                emit(.skip(BatchSkip(step: stepsDone, epoch: loader.epoch, batches: batches, images: images, rule: ruleText, reason: reason)))
                did.append("skipped \(batches) batches")
                undoDetails.append("skip \(batches)")
            case .lr(let f): guardSet(.lr, (before[.lr]! ?? currentLR) * f, was: before[.lr]!, rule: ruleText, reason: reason, &did, &undoDetails)
            case .beta(let f): guardSet(.beta, (before[.beta]! ?? currentBeta) * f, was: before[.beta]!, rule: ruleText, reason: reason, &did, &undoDetails)
            case .freeBits(let x): guardSet(.freeBits, (before[.freeBits]! ?? 0) + x, was: before[.freeBits]!, rule: ruleText, reason: reason, &did, &undoDetails)
            case .clip(let x): guardSet(.clipNorm, x, was: before[.clipNorm]!, rule: ruleText, reason: reason, &did, &undoDetails)
            case .restartCycle:
                let old = currentBeta
                knobs.betaOverride = nil
                knobs.betaRestart = stepsDone
                emit(.change(ParameterChange(step: stepsDone, parameter: .beta, old: old, new: currentBeta, source: ChangeSource.guardRule.rawValue,
                                             rule: ruleText, reason: reason)))
                did.append("β ramp restarted (\(old.compact) → \(currentBeta.compact))")
                undoDetails.append("restart-cycle")
            case .pause:
                guards.pausedByGuard = true
                if !paused {
                    paused = true
                    emit(.state(StateChange(step: stepsDone, state: .paused, reason: "guard \(trigger.rawValue)")))
                }
                did.append("paused")
            case .stop:
                break   // alone only (checked when the rule is read)
            }
        }
        if let undoBase, !undoDetails.isEmpty {
            remember(undoBase, detail: "guard \(trigger.rawValue): " + undoDetails.joined(separator: ", "), trigger: trigger)
        }
        let text = did.joined(separator: ", ") + " (\(number) of \(rule.maxFirings))"
        guards.firings.append(.init(trigger: trigger, step: from, text: text))
        emit(.alert(Alert(step: stepsDone, level: .warning, message: "guard \(trigger.rawValue): \(text); \(reason)", guardTrigger: trigger.rawValue,
                          guardFiring: number)))
        flush()
        return true
    }

    /// A guard's new value for `p`, recorded as a change from the guard (or said when it is out of range). The
    /// record's old value is the one in force now (after a rewind, the snapshot's); the message gives `was`, the
    /// value the run was in trouble with.
    private func guardSet(_ p: Hyperparameter, _ v: Double, was: Double?, rule: String, reason: String, _ did: inout [String], _ undo: inout [String]) {
        do {
            let (old, new) = try set(p, v)
            guard old != new else { return }
            emit(.change(ParameterChange(step: stepsDone, parameter: p, old: old, new: new, source: ChangeSource.guardRule.rawValue,
                                         rule: rule, reason: reason)))
            let text = "\(p.label) \(was.map(p.text) ?? "off") → \(new.map(p.text) ?? "off")"
            did.append(text)
            undo.append(text)
        } catch {
            did.append("\(p.label) not changed (\(error))")
        }
    }

    /// Leaves the next `n` batches of the data order out untrained; returns the batches and images left out (fewer
    /// when the data ran out).
    func skipBatches(_ n: Int) -> (batches: Int, images: Int) {
        var batches = 0, images = 0
        while batches < n, loader.startBatch() {
            let b = loader.batchSize(knobs.batchSize)
            loader.advance(by: b)
            batches += 1
            images += b
        }
        return (batches, images)
    }

    /// `g`: the guards an undo quieted act again.
    func rearmGuards() -> CommandOutcome {
        guard !guards.quiet.isEmpty else { return answer(.rearm, .applied, "no guard is quiet: nothing changed") }
        let names = GuardRule.Trigger.allCases.filter(guards.quiet.contains).map(\.rawValue).joined(separator: ", ")
        guards.quiet.removeAll()
        emit(.alert(Alert(step: stepsDone, level: .info, message: "guards re-armed: \(names)")))
        return outcome(.rearm, .applied, from: stepsDone, "re-armed \(names)")
    }
}
