import Foundation

/// The mutual information I(x; z) between inputs and codes, estimated as He et al. 2019 ("Lagging Inference
/// Networks and Posterior Collapse in VAEs", `calc_mi` in github.com/jxhe/vae-lagging-encoder) do it:
///
///     I = E_x[E_q(z|x) log q(z|x)] − E_z[log q(z)],   q(z) ≈ (1/B) Σ_i q(z | x_i) over the batch,
///
/// with the first term in closed form (−½·nz·log 2π − ½·Σ_j (1 + log σ²_j), averaged over the batch) and the
/// second from one posterior sample per image. Over several batches the results are averaged, weighted by the
/// batch size, as their `calc_mi` loop does. The estimate is bounded by log B.
enum MutualInformation {
    /// One batch: `mu`, `logvar` and the sampled `z` are `batch × latent`, row-major.
    static func batch(mu: UnsafePointer<Float>, logvar: UnsafePointer<Float>, z: UnsafePointer<Float>,
                      batch b: Int, latent nz: Int) -> Double {
        guard b > 0, nz > 0 else { return 0 }
        let log2pi = log(2 * Double.pi)
        // Per image: Σ_j log σ²_j, and 1/σ²_j.
        var logvarSum = [Double](repeating: 0, count: b)
        var inverseVariance = [Double](repeating: 0, count: b * nz)
        var negEntropy = 0.0
        for i in 0..<b {
            var sum = 0.0
            for j in 0..<nz {
                let lv = Double(logvar[i * nz + j])
                sum += lv
                inverseVariance[i * nz + j] = exp(-lv)
            }
            logvarSum[i] = sum
            negEntropy += -0.5 * Double(nz) * log2pi - 0.5 * (Double(nz) + sum)
        }
        negEntropy /= Double(b)
        // log q(z_a) = logsumexp_i log q(z_a | x_i) − log B, for each sample z_a.
        var logQZ = 0.0
        var density = [Double](repeating: 0, count: b)
        for a in 0..<b {
            var largest = -Double.infinity
            for i in 0..<b {
                var quadratic = 0.0
                for j in 0..<nz {
                    let d = Double(z[a * nz + j]) - Double(mu[i * nz + j])
                    quadratic += d * d * inverseVariance[i * nz + j]
                }
                let v = -0.5 * quadratic - 0.5 * (Double(nz) * log2pi + logvarSum[i])
                density[i] = v
                largest = max(largest, v)
            }
            var sum = 0.0
            for i in 0..<b { sum += exp(density[i] - largest) }
            logQZ += largest + log(sum) - log(Double(b))
        }
        return negEntropy - logQZ / Double(b)
    }
}
