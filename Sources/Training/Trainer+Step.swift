import Foundation
import Runs
import TensorCore

extension Trainer {
    /// What one call to `step()` did.
    public enum StepOutcome: Equatable {
        case trained
        case skipped
        case finished
    }

    /// Trains one mini-batch (or skips it when the loss or gradient is not finite).
    @discardableResult
    public func step() -> StepOutcome {
        if position >= train.count {
            guard epoch < config.epochs else { return .finished }
            epoch += 1
            position = 0
            dataRNG.shuffle(&permutation)
        }
        if gan != nil { return stepGAN() }
        let start = DispatchTime.now().uptimeNanoseconds
        let ws = workspace
        let b = min(knobs.batchSize, train.count - position)
        let d = train.dimension, latent = config.latent
        // Split the batch over the workers (row ranges in order; worker 0 uses the main workspace).
        let k = workers > 1 && b >= 2 * workers ? workers : 1
        // Rows of worker w: the batch split in order, the first b % k workers taking one more.
        func rows(_ w: Int) -> Int { b / k + (w < b % k ? 1 : 0) }
        noiseRNG.fillNormal(ws.eps.base, b * latent)
        train.images.withUnsafeBufferPointer { src in
            var offset = 0
            for w in 0..<k {
                let n = rows(w)
                let dst = w == 0 ? ws : replicas[w - 1]
                for r in 0..<n {
                    (dst.x.base + r * d).update(from: src.baseAddress! + permutation[position + offset + r] * d, count: d)
                }
                if w > 0 { dst.eps.base.update(from: ws.eps.base + offset * latent, count: n * latent) }
                offset += n
            }
        }
        let beta = currentBeta
        let h = stepHyperparameters
        let lossParts: VAEModel<Float>.Loss
        let capacity = currentCapacity
        if k == 1 {
            lossParts = model.forward(ws, batch: b, beta: beta, freeBits: knobs.freeBits, capacity: capacity)
        } else {
            let recon = workerRecon
            Parallel.workers(k) { w in
                recon[w] = model.forwardParts(w == 0 ? ws : replicas[w - 1], batch: rows(w))
            }
            // Free bits act on the whole batch's per-dimension KL, so the workers' sums are combined first.
            var reconSum = 0.0
            for w in 0..<k { reconSum += recon[w] }
            for r in replicas.prefix(k - 1) { for j in 0..<latent { ws.klDims[j] += r.klDims[j] } }
            lossParts = model.klTerm(ws, recon: reconSum, batch: b, beta: beta, freeBits: knobs.freeBits, capacity: capacity)
            for r in replicas.prefix(k - 1) { r.klWeights.update(from: ws.klWeights, count: latent) }
        }
        let finiteLoss = lossParts.objective.isFinite
        var gradNorm = Double.nan
        if finiteLoss {
            if k == 1 {
                model.backward(ws, batch: b, beta: beta)
            } else {
                Parallel.workers(k) { w in
                    model.backward(w == 0 ? ws : replicas[w - 1], batch: rows(w), beta: beta, into: w == 0 ? nil : replicaGrads[w - 1].base)
                }
                let g = model.params.grads.base
                let extra = replicaGrads
                Parallel.chunks(model.params.count) { lo, hi in
                    for e in 0..<(k - 1) { let src = extra[e].base; for i in lo..<hi { g[i] += src[i] } }
                }
            }
            gradNorm = model.params.gradientNorms(into: ws.layerNorms)
        }
        let stepNumber = stepsDone + 1
        guard finiteLoss, gradNorm.isFinite else {
            let what = finiteLoss ? "gradient norm is \(gradNorm)" : "loss is \(lossParts.objective)"
            return skip(step: stepNumber, batch: b, reason: "\(what); weights not updated")
        }
        nanStreak = 0
        let clip = clipGradients(norm: gradNorm)
        let g = model.params.grads.base, p = model.params.values.base
        optimizer.step(p, g, count: model.params.count, h)
        stepsDone += 1
        position += b
        samplesSeen += b
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        trainSeconds += seconds
        var klDims = [Float](repeating: 0, count: latent)
        for j in 0..<latent { klDims[j] = Float(ws.klDims[j] / Double(b)) }
        var layerNorms = [Float](repeating: 0, count: model.params.layerNames.count)
        for l in layerNorms.indices { layerNorms[l] = Float(ws.layerNorms[l]) }
        let n = Double(b)
        var metrics = StepMetrics(
            step: stepsDone, epoch: epoch, loss: Float(lossParts.objective / n), recon: Float(lossParts.recon / n),
            kl: Float(lossParts.kl / n), klDims: klDims,
            klObjective: knobs.freeBits > 0 ? Float(lossParts.klObjectivePerImage) : nil,
            beta: beta, lr: h.lr, momentum: lrSchedule.cyclesMomentum || knobs.momentumOverride != nil ? h.beta1 : nil,
            freeBits: knobs.freeBits, gradNorm: Float(gradNorm), gradNormClipped: Float(clip.after),
            clipCoef: Float(clip.coef), layerGradNorms: layerNorms, batchSize: b,
            samplesPerSecond: Float(n / max(seconds, 1e-9)), time: trainSeconds)
        metrics.capacity = capacity
        if knobs.freeBits > 0 && capacity == nil {
            let lambda = Float(knobs.freeBits)
            metrics.klObjectiveDims = klDims.map { max(lambda, $0) }
        }
        emit(.step(metrics))
        return afterStep()
    }

    /// A step whose loss or gradient was not finite: records it, moves past the batch, and pauses the run as
    /// diverged after `nanPatience` in a row.
    func skip(step: Int, batch: Int, reason: String) -> StepOutcome {
        position += batch
        nanStreak += 1
        emit(.skipped(SkippedStep(step: step, epoch: epoch, reason: reason)))
        if nanStreak >= config.nanPatience && !paused {
            paused = true
            diverged = true
            emit(.alert(Alert(step: stepsDone, level: .error,
                              message: "\(nanStreak) non-finite steps in a row: paused (lower the lr or clip the gradient)")))
            emit(.state(StateChange(step: stepsDone, state: .diverged, reason: "non-finite streak; paused")))
            flush()
        }
        return .skipped
    }

    /// After a trained step: evaluation and checkpoint when due (never during a range test), periodic flush.
    func afterStep() -> StepOutcome {
        let evalEvery = config.evalEvery > 0 ? config.evalEvery : header.stepsPerEpoch
        if !muted && stepsDone % evalEvery == 0 { evaluateAndShow() }
        if !muted && config.checkpointEvery > 0 && stepsDone % config.checkpointEvery == 0 { checkpoint() }
        if stepsDone % 16 == 0 { flush() }
        return .trained
    }

    /// Value clipping (±v) and then norm clipping with PyTorch's clip_grad_norm_ coefficient
    /// max_norm / (norm + 1e-6), capped at 1. Returns the coefficient and the norm after clipping.
    func clipGradients(norm: Double) -> (coef: Double, after: Double) {
        let g = model.params.grads.base, count = model.params.count
        var norm = norm
        if let v = knobs.clipValue, v > 0 {
            let hi = Float(v), lo = -Float(v)
            for i in 0..<count { g[i] = min(max(g[i], lo), hi) }
            norm = Kernels.sumOfSquares(g, count).squareRoot()
        }
        guard let maxNorm = knobs.clipNorm, maxNorm > 0 else { return (1, norm) }
        let coef = min(1, maxNorm / (norm + 1e-6))
        if coef < 1 { Kernels.scale(g, Float(coef), count) }
        return (coef, norm * coef)
    }
}
