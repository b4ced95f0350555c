// swift-tools-version:6.0
import PackageDescription

/// Release builds of the numeric modules drop overflow checks so element-wise loops vectorise.
let fastMath: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release)), .unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "vaetop",
    products: [.executable(name: "vaetop", targets: ["vaetop"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "TensorCore", dependencies: ["CBLAS"], swiftSettings: fastMath),
        .target(name: "ResourceLocator"),
        // The embedded MNIST subset is found relative to the executable (ResourceLocator), not through a bundle
        // whose build-folder path would be baked into the binary.
        .target(name: "Datasets", dependencies: ["CZlib", "ResourceLocator", "FileAccess"], exclude: ["Resources"], swiftSettings: fastMath),
        // Every file vaetop reads is opened through FileAccess: regular files only, never a blocking FIFO or a device.
        .target(name: "FileAccess"),
        .target(name: "Runs", dependencies: ["FileAccess"]),
        // Kernels written in C where Swift's SIMD does not vectorise (square roots); -ffp-contract=off keeps every
        // operation separately rounded, as the Swift code it replaces.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off", "-fno-math-errno"])]),
        .target(name: "Training", dependencies: ["TensorCore", "Datasets", "Runs", "CKernels"], swiftSettings: fastMath),
        // The run's control plane: the loop, commands and their outcomes, checkpoints, snapshots and rewind, the
        // recorder, evaluation and range-test orchestration, the worker thread. Training keeps the numerics.
        .target(name: "RunControl", dependencies: ["Training", "TensorCore", "Datasets", "Runs"]),
        .target(name: "TerminalUI", dependencies: ["ResourceLocator", "FileAccess"]),
        .target(name: "TensorBoard", dependencies: ["Runs", "CZlib", "FileAccess"]),
        .target(name: "Monitor", dependencies: ["TerminalUI", "Runs"]),
        // Where the screen's events come from: the trainer thread, a replay, followed run files and TensorBoard logs,
        // several runs compared, the range test (Monitor declares the poll and steer protocols).
        .target(name: "EventSources", dependencies: ["Monitor", "Runs", "RunControl", "Training", "TensorBoard", "FileAccess"]),
        .target(name: "CursesBackend", dependencies: ["TerminalUI", "CNcursesw"]),
        .executableTarget(
            name: "vaetop",
            dependencies: [
                "Training", "RunControl", "Runs", "Datasets", "TerminalUI", "Monitor", "EventSources", "CursesBackend", "TensorBoard", "ResourceLocator", "FileAccess",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["TensorCore", "Training", "Runs", "TerminalUI"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "RunControl", "TensorCore", "Datasets", "Runs", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "RunsTests", dependencies: ["Runs", "FileAccess", "TestSupport"]),
        .testTarget(name: "TensorBoardTests", dependencies: ["TensorBoard", "Runs", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "ResourceLocator", "TestSupport"]),
        .testTarget(name: "CursesBackendTests", dependencies: ["CursesBackend", "TerminalUI"]),
        .testTarget(name: "MonitorTests", dependencies: ["Monitor", "EventSources", "TerminalUI", "Runs", "TestSupport"], exclude: ["Snapshots"]),
        // In-process tests of the executable's code (flags, follow sources, writer liveness).
        .testTarget(name: "vaetopTests", dependencies: ["vaetop", "EventSources", "Runs", "Training", "RunControl", "TestSupport"]),
        // End to end: the built binary run as a person runs it (processes, files, signals, tmux at real sizes).
        .testTarget(name: "EndToEndTests", dependencies: ["vaetop", "Runs", "Training", "RunControl", "TensorBoard", "TestSupport"]),
    ]
)
