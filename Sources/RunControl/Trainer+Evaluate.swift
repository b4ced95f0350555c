import Foundation
import Runs
import Training

extension Trainer {
    /// Scores the test split now: negative ELBO with β = 1 and no free bits, KL per dimension, active units.
    /// Uses its own RNG seeded from the run seed, so evaluating never changes the training noise.
    public func evaluate() -> EvalMetrics { evaluator.evaluate(model, step: stepsDone, epoch: loader.epoch) }

    /// Evaluates, records the result and a fresh set of reconstructions and samples.
    @discardableResult
    public func evaluateAndShow() -> EvalMetrics {
        let e = evaluate()
        if let prev = lastEval {
            let newly = Set(e.collapsed).subtracting(prev.collapsed).sorted()
            if !newly.isEmpty {
                emit(.alert(Alert(step: stepsDone, level: .warning,
                                  message: "\(newly.map(\.latentName).joined(separator: ", ")) collapsed (test KL < \(config.collapseThreshold) nats)",
                                  collapsed: newly)))
            }
        }
        lastEval = e
        emit(.eval(e))
        emitImages()
        return e
    }

    /// The end of a run: the last evaluation again with the IWAE bound (`iwaeK` samples over the first `iwaeImages`
    /// test images; its own noise stream), unless it is off. For finite weights only (`finish` checks them).
    func addIWAEBound() {
        guard config.iwaeK > 0, !recorder.muted, var e = lastEval, e.step == stepsDone, e.iwae == nil else { return }
        let images = min(config.iwaeImages, test.count)
        e.iwae = Float(IWAE(model: model).negativeBound(test, images: 0..<images, k: config.iwaeK, seed: IWAE.seed(config.seed)))
        e.iwaeK = config.iwaeK; e.iwaeImages = images
        lastEval = e
        emit(.eval(e))
    }

    /// Records the showcase's reconstructions and prior samples as the model draws them now.
    func emitImages() {
        guard var images = evaluator.images(model, step: stepsDone) else { return }
        let widest = lastEval.flatMap { e in e.klDims.indices.max { e.klDims[$0] < e.klDims[$1] } }
        if let d = traversalDimension ?? widest { images.traversal = evaluator.traversal(model, dimension: d) }
        emit(.images(images))
    }
}
