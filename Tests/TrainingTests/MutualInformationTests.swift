import Foundation
import TensorCore
import Testing
@testable import Training

/// He et al. 2019's I(x; z) estimator: its bounds, and one value from their own `calc_mi` (run by hand in PyTorch).
@Suite struct MutualInformationTests {
    func estimate(_ mu: [Float], _ logvar: [Float], _ z: [Float], batch: Int, latent: Int) -> Double {
        MutualInformation.batch(mu: mu, logvar: logvar, z: z, batch: batch, latent: latent)
    }

    @Test func matchesTheReferenceImplementation() {
        // scripts/mi_reference.py runs their calc_mi (float64, PyTorch) on these inputs: 0.7533997967790125.
        let b = 40, nz = 6
        var mu = [Float](), logvar = [Float](), z = [Float]()
        for i in 0..<b {
            for j in 0..<nz {
                let m = sin(0.7 * Double(i) + 1.3 * Double(j)) * 1.5
                let lv = -1.0 + 0.5 * cos(0.3 * Double(i) + 0.9 * Double(j))
                let e = sin(2.1 * Double(i) - 0.4 * Double(j) + 0.5)
                mu.append(Float(m)); logvar.append(Float(lv)); z.append(Float(m + exp(0.5 * lv) * e))
            }
        }
        #expect(abs(estimate(mu, logvar, z, batch: b, latent: nz) - 0.7533997967790125) < 1e-5)
    }

    @Test func codesThatIdentifyTheirImageReachLogB() {
        // Posteriors far apart: each sample belongs to its own image, so I = log B, up to the one-sample term:
        // E log q(z|x) is exact (−½·nz − ½·nz·log 2π) while log q(z_a|x_a) uses the sample (½‖z − μ‖² = 0.065).
        let b = 64, nz = 2
        let mu: [Float] = (0..<(b * nz)).map { $0 % 2 == 0 ? Float($0 / 2) * 50 : 0 }
        let logvar = [Float](repeating: 0, count: b * nz)
        let z: [Float] = mu.enumerated().map { $0.element + ($0.offset % 2 == 0 ? 0.3 : -0.2) }
        #expect(abs(estimate(mu, logvar, z, batch: b, latent: nz) - (log(Double(b)) - 1 + 0.065)) < 1e-5)
    }

    @Test func collapsedCodesCarryNothing() {
        // Every image has the same posterior N(0, 1): q(z) = q(z|x), and the estimate is near 0.
        // Seeded: the one-sample estimate's spread is about 0.04 at this size, so the bound holds by 2.5σ every run.
        let b = 1000, nz = 3
        let mu = [Float](repeating: 0, count: b * nz), logvar = [Float](repeating: 0, count: b * nz)
        var rng = RandomSource(seed: 7)
        let z = (0..<(b * nz)).map { _ in Float(rng.nextNormal()) }
        #expect(abs(estimate(mu, logvar, z, batch: b, latent: nz)) < 0.1)
    }
}
