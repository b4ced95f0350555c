import CBLAS

/// Thread-count control of the OpenBLAS runtime (and of `Parallel`, which follows it).
public enum BLASThreads {
    /// Sets OpenBLAS's threads and `Parallel`'s separately (data-parallel training runs single-threaded
    /// BLAS calls on several workers at once).
    public static func set(blas: Int, elementwise: Int) {
        openblas_set_num_threads(Int32(max(1, blas)))
        Parallel.threads = elementwise
    }
    /// The CPU kernel OpenBLAS chose (e.g. Haswell, SkylakeX), for benchmark logs.
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
