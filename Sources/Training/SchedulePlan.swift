import Runs

/// The schedules a configuration implies, evaluated without training.
public struct SchedulePlan: Sendable {
    public let lr: LRSchedule
    public let beta: BetaSchedule
    public let config: RunConfig
    public let plannedSteps: Int

    /// One step's values.
    public struct Row: Sendable, Equatable {
        /// 1-based optimizer step.
        public let step: Int
        public let lr: Double
        public let momentum: Double
        /// The KL weight: β, or γ under capacity annealing.
        public let beta: Double
        /// The target capacity C in nats (capacity annealing only).
        public let capacity: Double?
    }

    public init(config: RunConfig, trainImages: Int) {
        self.config = config
        plannedSteps = config.plannedSteps(stepsPerEpoch: config.stepsPerEpoch(trainImages: trainImages))
        let momentum = config.optimizer.kind == .sgd ? config.optimizer.momentum : config.optimizer.beta1
        lr = LRSchedule(config.lrSchedule, baseLR: config.optimizer.lr, totalSteps: plannedSteps, momentum: momentum)
        beta = BetaSchedule(config.betaSchedule, totalSteps: plannedSteps)
    }

    /// Linear scaling rule factor at the configured batch size.
    public var batchScale: Double { config.scaleLR ? Double(config.batchSize) / Double(config.baseBatchSize) : 1 }

    /// Values for steps 1…n, exactly as the trainer computes them.
    public func rows(steps n: Int) -> [Row] {
        (0..<n).map { t in
            Row(step: t + 1, lr: lr.lr(at: t) * batchScale, momentum: lr.momentum(at: t), beta: beta.beta(at: t), capacity: beta.capacity(at: t))
        }
    }
}
