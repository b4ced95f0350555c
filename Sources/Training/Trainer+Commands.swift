import Foundation
import Runs

extension Trainer {
    /// Applies a command at a step boundary; a refused command becomes an alert and changes nothing.
    public func apply(_ command: RunCommand, source: String = "keyboard") {
        switch command {
        case .pause:
            guard !paused else { return }
            paused = true
            emit(.state(StateChange(step: stepsDone, state: .paused, reason: source)))
        case .resume:
            guard paused else { return }
            paused = false
            nanStreak = 0
            emit(.state(StateChange(step: stepsDone, state: .running, reason: source)))
        case .checkpoint:
            checkpoint()
        case .evaluate:
            evaluateAndShow()
        case .stop:
            break   // the run loop handles it
        case .set(let p, let v):
            do {
                let (old, new) = try set(p, v)
                emit(.change(ParameterChange(step: stepsDone, parameter: p, old: old, new: new, source: source)))
            } catch {
                emit(.alert(Alert(step: stepsDone, level: .warning, message: "\(error)")))
            }
        case .clear(let p):
            let old: Double?
            switch p {
            case .lr: old = currentLR; knobs.lrMultiplier = 1
            case .beta: old = knobs.betaOverride; knobs.betaOverride = nil
            case .momentum: old = knobs.momentumOverride; knobs.momentumOverride = nil
            default:
                emit(.alert(Alert(step: stepsDone, level: .warning, message: "\(p.rawValue) has no override to clear")))
                return
            }
            let new: Double = p == .lr ? currentLR : (p == .beta ? currentBeta : currentMomentum)
            emit(.change(ParameterChange(step: stepsDone, parameter: p, old: old, new: new, source: source)))
        }
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
        }
    }

    /// Validates and applies a new value; returns (old, new) as recorded.
    func set(_ p: Hyperparameter, _ v: Double) throws(TrainerError) -> (Double?, Double?) {
        guard v.isFinite else { throw .invalidCommand("\(p.rawValue): \(v) is not a finite number") }
        let old = value(of: p)
        switch p {
        case .lr:
            guard v > 0, v <= 10 else { throw .invalidCommand("lr must be in (0, 10], got \(v)") }
            // An lr override scales the schedule: from now on lr(t) = schedule(t) · (v / schedule(now)).
            let scheduled = lrSchedule.lr(at: stepsDone) * batchScale
            guard scheduled > 0 else { throw .invalidCommand("lr: the schedule is at 0 now; cannot scale it") }
            knobs.lrMultiplier = v / scheduled
        case .beta:
            guard v >= 0, v <= 1000 else { throw .invalidCommand("beta must be in [0, 1000], got \(v)") }
            knobs.betaOverride = v
        case .betaTarget:
            guard v >= 0, v <= 1000 else { throw .invalidCommand("beta target must be in [0, 1000], got \(v)") }
            knobs.betaTarget = v
            betaSchedule.config.target = v
        case .freeBits:
            guard v >= 0, v <= 10 else { throw .invalidCommand("free bits λ must be in [0, 10] nats, got \(v)") }
            knobs.freeBits = v
        case .clipNorm:
            guard v >= 0 else { throw .invalidCommand("clip norm must be ≥ 0 (0 turns clipping off), got \(v)") }
            knobs.clipNorm = v > 0 ? v : nil
        case .clipValue:
            guard v >= 0 else { throw .invalidCommand("clip value must be ≥ 0 (0 turns it off), got \(v)") }
            knobs.clipValue = v > 0 ? v : nil
        case .weightDecay:
            guard v >= 0, v < 1 else { throw .invalidCommand("weight decay must be in [0, 1), got \(v)") }
            knobs.weightDecay = v
        case .batchSize:
            guard v >= 1, v <= 4096, v == v.rounded() else {
                throw .invalidCommand("batch size must be a whole number in 1…4096, got \(v)")
            }
            knobs.batchSize = Int(v)
            if knobs.batchSize > workspace.capacity {
                workspace = Workspace(architecture: model.architecture, capacity: knobs.batchSize)
            }
        case .momentum:
            guard v >= 0, v < 1 else { throw .invalidCommand("β1/momentum must be in [0, 1), got \(v)") }
            knobs.momentumOverride = v
        }
        return (old, value(of: p))
    }
}
