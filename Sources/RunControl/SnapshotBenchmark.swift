import Datasets
import Dispatch
import Foundation
import Runs
import Training

/// Measurements of the snapshot machinery for `vaetop bench-snapshots` (release build): what one snapshot costs in
/// time and bytes, what restoring one costs, and how many the default budget holds.
public struct SnapshotBenchmark: Sendable {
    public var parameters: Int
    /// Bytes of one snapshot (weights, optimizer buffers, data order).
    public var bytes: Int
    /// Median seconds to take one snapshot into a full ring (copying every buffer, thinning the ring), and to restore one.
    public var takeSeconds: Double
    public var restoreSeconds: Double
    /// After filling the ring with `filled` snapshots: how many it keeps and the bytes it holds, against its budget.
    public var filled: Int
    public var kept: Int
    public var heldBytes: Int
    public var budgetBytes: Int
    public var points: [Int]

    /// Measures on a trainer built for `config` (snapshots every step while filling the ring).
    public static func measure(config: RunConfig, data: (train: ImageDataset, test: ImageDataset), fill: Int) throws(TrainerError) -> SnapshotBenchmark {
        var c = config
        c.epochs = 1000; c.evalEvery = Int(Int32.max); c.snapshotEvery = 0
        let t = try Trainer(config: c, data: data, directory: nil)
        t.begin()
        for _ in 0..<3 { t.step() }
        func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }
        for _ in 0..<fill {
            t.step()
            t.takeSnapshot(.periodic)
        }
        var take: [Double] = [], restore: [Double] = []
        var last: TrainingSnapshot?
        for _ in 0..<15 {
            t.step()   // new weights: the snapshot copies instead of sharing
            let a = DispatchTime.now().uptimeNanoseconds
            t.takeSnapshot(.periodic)
            take.append(Double(DispatchTime.now().uptimeNanoseconds - a) / 1e9)
            guard let s = t.history.ring.items.last else { continue }
            let b = DispatchTime.now().uptimeNanoseconds
            try? t.restore(s.meta, buffers: s.buffers, path: "bench")
            restore.append(Double(DispatchTime.now().uptimeNanoseconds - b) / 1e9)
            last = s
        }
        return SnapshotBenchmark(parameters: t.model.params.count, bytes: last?.bytes ?? 0, takeSeconds: median(take),
                                 restoreSeconds: median(restore), filled: fill, kept: t.history.ring.items.count,
                                 heldBytes: t.history.ring.bytes, budgetBytes: t.history.ring.budget, points: t.history.ring.points)
    }

    /// Seconds from sending `undo` to a trainer running on its own thread until the first step record of the
    /// branch it starts (the screen draws that frame next): `count` samples, median and worst.
    public static func undoLatency(config: RunConfig, data: (train: ImageDataset, test: ImageDataset), count: Int) throws(TrainerError) -> (median: Double, worst: Double) {
        var c = config
        c.epochs = 1000; c.evalEvery = Int(Int32.max)
        let t = try Trainer(config: c, data: data, directory: nil)
        let link = TrainerWorker.start(t, resumed: false, interruption: { nil })
        defer { link.send(.stop); _ = link.waitUntilFinished() }
        func waitFor(_ match: (RunEvent) -> Bool) { while true { if link.drain().contains(where: match) { return }; usleep(200) } }
        var samples: [Double] = []
        for i in 0..<count {
            waitFor { if case .step = $0 { true } else { false } }
            link.send(.set(.freeBits, 0.05))   // each undo puts λ back to 0
            waitFor { if case .change = $0 { true } else { false } }
            for _ in 0..<5 { waitFor { if case .step = $0 { true } else { false } } }
            let start = DispatchTime.now().uptimeNanoseconds
            link.send(.undo)
            var rewound = false
            while true {
                let events = link.drain()
                for e in events {
                    if case .rewind = e { rewound = true }
                    // A refused undo (its typed answer) or a warning: no undo to time.
                    if !rewound, case .outcome(let o) = e, o.outcome != .applied { return (.nan, .nan) }
                    if !rewound, case .alert(let a) = e, a.level != .info { return (.nan, .nan) }
                    if rewound, case .step = e { samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
                }
                if samples.count > i { break }
                usleep(100)
            }
        }
        return (samples.sorted()[samples.count / 2], samples.max() ?? 0)
    }
}
