import Runs

/// How far the run is and how long it has left, at the batch size in force (a live batch-size change moves both).
extension RunView {
    /// Images of the current epoch trained on: counted from the step records, or estimated from the step number.
    var imagesThisEpoch: Int? {
        guard let h = header, h.trainImages > 0, let m = lastStep else { return nil }
        if let n = epochImages { return min(n, h.trainImages) }
        let stepsIn = m.step - (m.epoch - 1) * h.stepsPerEpoch
        return max(0, min(h.trainImages, stepsIn * h.config.batchSize))
    }

    /// Images left to train on: the rest of this epoch and the epochs after it (nil: not known).
    var remainingImages: Int? {
        guard let h = header, let m = lastStep, let done = imagesThisEpoch, h.config.epochs > 0 else { return nil }
        return h.trainImages - done + max(0, h.config.epochs - m.epoch) * h.trainImages
    }

    /// Steps the run will have taken when it ends, at the batch size in force (the schedules' plan when not known).
    public var expectedSteps: Int {
        guard end == nil else { return lastStep?.step ?? plannedSteps }   // ended: the steps it took
        guard let h = header, let m = lastStep, let done = imagesThisEpoch else { return plannedSteps }
        let batch = max(1, Int(current[.batchSize] ?? Double(h.config.batchSize)))
        let perEpoch = (h.trainImages + batch - 1) / batch
        return m.step + (h.trainImages - done + batch - 1) / batch + max(0, h.config.epochs - m.epoch) * perEpoch
    }

    /// Seconds left at the latest throughput (nil: not known).
    var remainingSeconds: Double? {
        guard let images = remainingImages, let rate = lastStep?.samplesPerSecond, rate > 0 else { return nil }
        return Double(images) / Double(rate)
    }
}
