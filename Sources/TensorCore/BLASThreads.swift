import CBLAS

/// Thread-count control of the OpenBLAS runtime (and of `Parallel`, which follows it).
public enum BLASThreads {
    /// Sets the number of threads OpenBLAS uses for the following calls.
    public static func set(_ n: Int) { set(blas: n, elementwise: n) }

    /// Sets OpenBLAS's threads and `Parallel`'s separately (data-parallel training runs single-threaded
    /// BLAS calls on several workers at once).
    public static func set(blas: Int, elementwise: Int) {
        openblas_set_num_threads(Int32(max(1, blas)))
        Parallel.threads = elementwise
    }
    /// The number of threads OpenBLAS uses now.
    public static var current: Int { Int(openblas_get_num_threads()) }
    /// The CPU kernel OpenBLAS chose (e.g. Haswell, SkylakeX), for benchmark logs.
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
