import Runs
import TensorCore

/// A plain VAE's step: the batch split over data-parallel workers, the gradients summed, value and norm clipping
/// (PyTorch's `clip_grad_value_` then `clip_grad_norm_`), one optimizer over all weights.
package final class VAEStep: ModelStep {
    let model: VAEModel<Float>
    let optimizer: any Optimizer
    /// Worker 0's workspace (the whole batch when single-threaded).
    package var workspace: Workspace<Float>
    /// Data-parallel workers beyond the first: their workspaces and gradient buffers.
    var replicas: [Workspace<Float>] = []
    var replicaGrads: [Buffer<Float>] = []
    /// Workers a batch is split over (the thread count; 1 = single-threaded step).
    package let workers: Int
    /// Per-worker reconstruction sums of the current step.
    let workerRecon: UnsafeMutablePointer<Double>

    package init(model: VAEModel<Float>, optimizer: any Optimizer, workers: Int, capacity: Int) {
        self.model = model
        self.optimizer = optimizer
        self.workers = workers
        workerRecon = .allocate(capacity: max(workers, 1))
        workspace = Workspace(architecture: model.architecture, capacity: capacity)
        ensureCapacity(capacity)
    }

    deinit { workerRecon.deallocate() }

    package func batch(for requested: Int) -> Int { requested }
    package var recordsMomentum: Bool { true }

    package func ensureCapacity(_ batch: Int) {
        if batch > workspace.capacity { workspace = Workspace(architecture: model.architecture, capacity: batch) }
        guard workers > 1 else { return }
        let per = (batch + workers - 1) / workers
        if replicas.count != workers - 1 || replicas.contains(where: { $0.capacity < per }) {
            replicas = (1..<workers).map { _ in Workspace(architecture: model.architecture, capacity: per) }
        }
        if replicaGrads.count != workers - 1 {
            replicaGrads = (1..<workers).map { _ in Buffer(count: model.params.count) }
        }
    }

    package var weights: [(String, Buffer<Float>)] { [("params", model.params.values)] }
    package var optimizers: [(String, any Optimizer)] { [("vae", optimizer)] }

    package func train(batch b: Int, loader: DataLoader, noise: inout RandomSource, objective o: Objective, hyper h: StepHyperparameters,
               knobs: Knobs) -> StepResult {
        let ws = workspace
        let latent = model.architecture.latent
        // Split the batch over the workers (row ranges in order; worker 0 uses the main workspace).
        let k = workers > 1 && b >= 2 * workers ? workers : 1
        // Rows of worker w: the batch split in order, the first b % k workers taking one more.
        func rows(_ w: Int) -> Int { b / k + (w < b % k ? 1 : 0) }
        noise.fillNormal(ws.eps.base, b * latent)
        var offset = 0
        for w in 0..<k {
            let n = rows(w)
            let dst = w == 0 ? ws : replicas[w - 1]
            loader.copy(rows: offset, count: n, into: dst.x.base)
            if w > 0 { dst.eps.base.update(from: ws.eps.base + offset * latent, count: n * latent) }
            offset += n
        }
        let lossParts: VAEModel<Float>.Loss
        if k == 1 {
            lossParts = model.forward(ws, batch: b, beta: o.beta, freeBits: o.freeBits, capacity: o.capacity)
        } else {
            let recon = workerRecon, model = model, replicas = replicas
            Parallel.workers(k) { w in
                recon[w] = model.forwardParts(w == 0 ? ws : replicas[w - 1], batch: rows(w))
            }
            // Free bits act on the whole batch's per-dimension KL, so the workers' sums are combined first.
            var reconSum = 0.0
            for w in 0..<k { reconSum += recon[w] }
            for r in replicas.prefix(k - 1) { for j in 0..<latent { ws.klDims[j] += r.klDims[j] } }
            lossParts = model.klTerm(ws, recon: reconSum, batch: b, beta: o.beta, freeBits: o.freeBits, capacity: o.capacity)
            for r in replicas.prefix(k - 1) { r.klWeights.update(from: ws.klWeights, count: latent) }
        }
        guard lossParts.objective.isFinite else { return .nonFinite("loss is \(lossParts.objective); weights not updated") }
        if k == 1 {
            model.backward(ws, batch: b, beta: o.beta)
        } else {
            let model = model, replicas = replicas, grads = replicaGrads
            Parallel.workers(k) { w in
                model.backward(w == 0 ? ws : replicas[w - 1], batch: rows(w), beta: o.beta, into: w == 0 ? nil : grads[w - 1].base)
            }
            let g = model.params.grads.base
            Parallel.chunks(model.params.count) { lo, hi in
                for e in 0..<(k - 1) { let src = grads[e].base; for i in lo..<hi { g[i] += src[i] } }
            }
        }
        let gradNorm = model.params.gradientNorms(into: ws.layerNorms)
        guard gradNorm.isFinite else { return .nonFinite("gradient norm is \(gradNorm); weights not updated") }
        let clip = clipGradients(norm: gradNorm, knobs: knobs)
        optimizer.step(model.params.values.base, model.params.grads.base, count: model.params.count, h)
        let n = Double(b)
        var klDims = [Float](repeating: 0, count: latent)
        for j in 0..<latent { klDims[j] = Float(ws.klDims[j] / n) }
        var layerNorms = [Float](repeating: 0, count: model.params.layerNames.count)
        for l in layerNorms.indices { layerNorms[l] = Float(ws.layerNorms[l]) }
        return .trained(StepMeasurement(loss: lossParts.objective / n, recon: lossParts.recon / n, kl: lossParts.kl / n,
                                        klObjective: o.freeBits > 0 ? lossParts.klObjectivePerImage : nil, klDims: klDims,
                                        gradNorm: gradNorm, gradNormClipped: clip.after, clipCoef: clip.coef, layerGradNorms: layerNorms,
                                        applied: o))
    }

    /// Value clipping (±v) and then norm clipping with PyTorch's clip_grad_norm_ coefficient
    /// max_norm / (norm + 1e-6), capped at 1. Returns the coefficient and the norm after clipping.
    func clipGradients(norm: Double, knobs: Knobs) -> (coef: Double, after: Double) {
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
