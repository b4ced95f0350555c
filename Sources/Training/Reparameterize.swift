import TensorCore

/// z = μ + ε·exp(½·logσ²), the reparameterisation trick; ε comes from the caller's seeded RNG.
public enum Reparameterize {
    /// Writes σ = exp(½·logvar) into `std` and z into `z`.
    @_specialize(exported: true, where T == Float)
    @inlinable public static func forward<T: Real>(
        mu: UnsafePointer<T>, logvar: UnsafePointer<T>, eps: UnsafePointer<T>,
        std: UnsafeMutablePointer<T>, z: UnsafeMutablePointer<T>, n: Int
    ) {
        for i in 0..<n {
            let s = T.exponential(logvar[i] / 2)
            std[i] = s
            z[i] = mu[i] + eps[i] * s
        }
    }

    /// From dz: dμ = dz, dlogvar = dz·ε·σ/2 (both overwritten).
    @_specialize(exported: true, where T == Float)
    @inlinable public static func backward<T: Real>(
        dz: UnsafePointer<T>, eps: UnsafePointer<T>, std: UnsafePointer<T>,
        dmu: UnsafeMutablePointer<T>, dlogvar: UnsafeMutablePointer<T>, n: Int
    ) {
        for i in 0..<n {
            dmu[i] = dz[i]
            dlogvar[i] = dz[i] * eps[i] * std[i] / 2
        }
    }
}
