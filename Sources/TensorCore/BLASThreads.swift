import CBLAS

/// Thread-count control of the OpenBLAS runtime (and of `Parallel`, which follows it).
public enum BLASThreads {
    /// Sets the number of threads OpenBLAS uses for the following calls.
    public static func set(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        Parallel.threads = n
    }
    /// The number of threads OpenBLAS uses now.
    public static var current: Int { Int(openblas_get_num_threads()) }
    /// OpenBLAS's build configuration string, for benchmark logs.
    public static var configuration: String { String(cString: openblas_get_config()) }
}
