import Runs

extension TrainerSnapshot {
    /// nil when every field is usable for a trainer with `trainImages` training images; else the field and what is
    /// wrong. Every check is an explicit comparison: this module is built with -Ounchecked, so nothing from the
    /// file may reach a range, an index or an allocation before it has been checked here.
    package func problem(trainImages: Int) -> String? {
        if let p = config.problem() { return p.inFile }
        guard stepsDone >= 0, stepsDone <= RunEvent.maxStep else { return "stepsDone \(stepsDone) is out of range" }
        guard epoch >= 0, epoch <= RunEvent.maxStep else { return "epoch \(epoch) is out of range" }
        guard permutation.count == trainImages else {
            return "data order covers \(permutation.count) images, the data has \(trainImages)"
        }
        guard position >= 0, position <= trainImages else { return "position \(position) is outside 0…\(trainImages)" }
        var seen = [Bool](repeating: false, count: trainImages)
        for i in permutation {
            guard i >= 0, i < trainImages, !seen[i] else { return "data order is not a permutation of the \(trainImages) images" }
            seen[i] = true
        }
        for (name, c) in optimizers.sorted(by: { $0.key < $1.key }) where c.steps < 0 || c.steps > RunEvent.maxStep {
            return "optimizers.\(name).steps \(c.steps) is out of range"
        }
        guard trainSeconds.isFinite, trainSeconds >= 0 else { return "trainSeconds \(trainSeconds) is not a duration" }
        guard samplesSeen >= 0 else { return "samplesSeen \(samplesSeen) is negative" }
        guard nanStreak >= 0 else { return "nanStreak \(nanStreak) is negative" }
        return knobs.problem()
    }
}

extension Knobs {
    /// nil when every live setting is within the range a keyboard change could set.
    func problem() -> String? {
        guard lrMultiplier.isFinite, lrMultiplier > 0, lrMultiplier <= 1e9 else { return "knobs: lr multiplier \(lrMultiplier) is out of range" }
        var checks: [(Hyperparameter, Double?)] = [(.beta, betaOverride), (.momentum, momentumOverride), (.freeBits, freeBits),
                                                   (.weightDecay, weightDecay), (.batchSize, Double(batchSize)),
                                                   (.betaTarget, betaTarget), (.gamma, gamma), (.discriminatorLR, discriminatorLR)]
        checks.append((.clipNorm, clipNorm)); checks.append((.clipValue, clipValue))
        for (p, v) in checks { if let v, let why = p.problem(with: v) { return "knobs: \(why)" } }
        if let r = betaRestart, !(0...RunEvent.maxStep).contains(r) { return "knobs: betaRestart \(r) is out of range" }
        return nil
    }
}
