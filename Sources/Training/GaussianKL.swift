import TensorCore

/// KL(N(μ, σ²) ‖ N(0, 1)) per element: ½·(μ² + σ² − 1 − logσ²), with free bits per dimension.
public enum GaussianKL {
    /// Accumulates the KL of each latent dimension over the batch into `perDim` (length `latent`, Double).
    @_specialize(exported: true, where T == Float)
    @inlinable public static func forward<T: Real>(
        mu: UnsafePointer<T>, logvar: UnsafePointer<T>, std: UnsafePointer<T>,
        perDim: UnsafeMutablePointer<Double>, batch: Int, latent: Int
    ) {
        for j in 0..<latent { perDim[j] = 0 }
        for b in 0..<batch {
            let o = b * latent
            for j in 0..<latent {
                let m = mu[o + j], s = std[o + j]
                perDim[j] += Double((m * m + s * s - 1 - logvar[o + j]) / 2)
            }
        }
    }

    /// Free bits (Kingma et al. 2016): the objective's KL term is Σ_j max(λ, KL_j) with KL_j the batch mean
    /// of dimension j, times the batch size (sum reduction). Writes the gradient weight of each dimension
    /// (1 where KL_j > λ or λ = 0, else 0) into `active` and returns the per-image objective term.
    @inlinable public static func freeBits(
        perDim: UnsafePointer<Double>, lambda: Double, batch: Int, latent: Int, active: UnsafeMutablePointer<Double>
    ) -> Double {
        var total = 0.0
        for j in 0..<latent {
            let mean = perDim[j] / Double(batch)
            if lambda > 0 && mean <= lambda {
                active[j] = 0
                total += lambda
            } else {
                active[j] = 1
                total += mean
            }
        }
        return total
    }

    /// Capacity annealing (Burgess et al. 2018): the objective's KL term is |KL − C|·B with KL the batch-mean
    /// total KL, so every dimension's gradient weight is sign(KL − C). Writes the weights and returns |KL − C|.
    @inlinable public static func capacity(
        perDim: UnsafePointer<Double>, capacity: Double, batch: Int, latent: Int, active: UnsafeMutablePointer<Double>
    ) -> Double {
        var kl = 0.0
        for j in 0..<latent { kl += perDim[j] }
        kl /= Double(batch)
        let sign: Double = kl > capacity ? 1 : (kl < capacity ? -1 : 0)
        for j in 0..<latent { active[j] = sign }
        return abs(kl - capacity)
    }

    /// Adds β·w_j·∂KL/∂μ = β·w_j·μ to dmu and β·w_j·½(σ² − 1) to dlogvar.
    @_specialize(exported: true, where T == Float)
    @inlinable public static func backward<T: Real>(
        mu: UnsafePointer<T>, std: UnsafePointer<T>, beta: T, weights: UnsafePointer<Double>,
        dmu: UnsafeMutablePointer<T>, dlogvar: UnsafeMutablePointer<T>, batch: Int, latent: Int
    ) {
        for b in 0..<batch {
            let o = b * latent
            for j in 0..<latent {
                let w = beta * T(weights[j])
                let s = std[o + j]
                dmu[o + j] += w * mu[o + j]
                dlogvar[o + j] += w * (s * s - 1) / 2
            }
        }
    }
}
