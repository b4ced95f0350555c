import Datasets
import Foundation
import Runs
import TensorCore
import Training

extension Trainer {
    /// The parts of the state other objects own: the data loader's and the model family's.
    var stateParts: [any TrainingStatePart] { [loader, family] }

    /// The buffers a checkpoint stores, named by their parts: the family's weights, then its optimizers' state.
    var checkpointBuffers: [(String, Buffer<Float>)] { stateParts.flatMap(\.stateBuffers) }

    /// The resumable state besides the buffers: the trainer's own fields, then each part's.
    var snapshot: TrainerSnapshot {
        var s = TrainerSnapshot(config: config, stepsDone: stepsDone, noiseRNG: noiseRNG, knobs: knobs, trainSeconds: trainSeconds,
                                samplesSeen: samplesSeen, nanStreak: nanStreak, buffers: checkpointBuffers.map { $0.0 })
        for part in stateParts { part.capture(into: &s) }
        return s
    }

    /// The step of the checkpoint on disk (nil: none yet).
    public var checkpointStep: Int? { checkpoints.step }
    /// Why the last checkpoint attempt wrote nothing (nil once one succeeds).
    public var checkpointError: String? { checkpoints.error }
    /// A checkpoint was asked for within the coalescing interval: it is written when the interval is over.
    var checkpointPending: Bool { checkpoints.pending }

    /// Writes `checkpoint.bin` into the run directory and records it. Failures become alerts and `checkpointError`.
    /// Weights or optimizer state that are not finite are never written over the checkpoint on disk. `state`
    /// writes a snapshot instead of the live state (a diverged run's last healthy one).
    public func checkpoint() { checkpoint(state: nil) }

    func checkpoint(state: TrainingSnapshot?) {
        guard let directory else { checkpoints.attempted(step: nil, error: nil, touchedDisk: false); return }
        let path = (directory as NSString).appendingPathComponent(Checkpoint.fileName)
        let names = checkpointBuffers.map(\.0)
        let buffers = state.map { Self.buffers($0.buffers) } ?? checkpointBuffers.map(\.1)
        let step = state?.step ?? stepsDone
        let kept = checkpointStep.map { "checkpoint.bin keeps step \($0)" } ?? "no checkpoint is on disk"
        if let bad = zip(names, buffers).first(where: { !$0.1.allFinite }) {
            checkpoints.attempted(step: nil, error: "checkpoint not written at step \(step): \(bad.0) holds non-finite values; \(kept)",
                                  touchedDisk: false)
        } else {
            do {
                try Checkpoint.write(state?.meta ?? snapshot, buffers: buffers, to: path)
                checkpoints.attempted(step: step, error: nil)
                history.checkpointVersion = state?.version ?? history.version
                emit(.checkpoint(CheckpointRecord(step: step, path: Checkpoint.fileName)))
            } catch {
                checkpoints.attempted(step: nil, error: "checkpoint at step \(stepsDone) not saved (\(error)); \(kept)")
            }
        }
        if let why = checkpointError { emit(.alert(Alert(step: stepsDone, level: .error, message: why))) }
        flush()
    }

    /// A snapshot's arrays as buffers (copies; for the one-off final checkpoint of a diverged run).
    static func buffers(_ arrays: [[Float]]) -> [Buffer<Float>] {
        arrays.map { a in
            let b = Buffer<Float>(count: a.count)
            a.withUnsafeBufferPointer { if let p = $0.baseAddress { b.base.update(from: p, count: a.count) } }
            return b
        }
    }

    /// A checkpoint asked for by a person or a client: none when the one on disk is of this step, and at most one
    /// per `CheckpointStore.interval` (a burst of requests becomes one write when the interval is over).
    func requestCheckpoint() {
        switch checkpoints.request(at: stepsDone, onDisk: history.checkpointVersion == history.version) {
        case .alreadyOnDisk(let note):
            // Said once per step, however often asked.
            if note { emit(.alert(Alert(step: stepsDone, level: .info, message: "checkpoint of step \(stepsDone) is already on disk"))) }
        case .later: break
        case .write: checkpoint()
        }
    }

    /// Writes a coalesced checkpoint once its interval is over.
    func checkpointIfDue() { if checkpoints.due { checkpoint() } }

    /// Reopens a run directory at its checkpoint; new records are appended to the same run file.
    /// `data` replaces the configured data source (tests); nil loads what the config names.
    public convenience init(resume directory: String, data given: (train: ImageDataset, test: ImageDataset)? = nil,
                            sink: @escaping (RunEvent) -> Void = { _ in }) throws(TrainerError) {
        let path = (directory as NSString).appendingPathComponent(Checkpoint.fileName)
        let (snap, buffers) = try Checkpoint.read(path)
        // The configuration decides the model's size and the data: check it before building anything from it.
        if let p = snap.config.problem() { throw .checkpoint(path: path, reason: p.inFile) }
        let data: (train: ImageDataset, test: ImageDataset)
        if let given {
            data = given
        } else {
            let source: DataSource = snap.config.data.map { .directory($0) } ?? .embedded
            do { data = try source.load() } catch { throw .data(error) }
        }
        // The records go on in the run file: it must read back. A missing or empty one is started again with a header
        // (the checkpoint has the config); one that does not read as a run file is refused before anything is written,
        // as appending to it would leave a run no reader can open.
        var written: RunFileContents?
        var startsRunFile: String?
        do { written = try RunFileReader.read(directory) } catch {
            switch error {
            case .missing: startsRunFile = "was missing"
            case .notARunFile(_, let reason) where reason == "empty file": startsRunFile = "was empty"
            default: throw .runFile(.resumeRefused(error.description))
            }
        }
        try self.init(config: snap.config, data: data, directory: directory, name: written?.header.name, sink: sink)
        try restore(snap, buffers: buffers, path: path)
        if let startsRunFile {
            resumeNote = "\((directory as NSString).appendingPathComponent(RunFileReader.fileName)) \(startsRunFile): a new run file starts at step \(stepsDone) from the checkpoint"
        }
        // Branch numbers go on from the run file's (a rewind after the resume starts a new one).
        history.branch = written?.events.compactMap { if case .rewind(let r) = $0 { r.branch } else { nil } }.max() ?? 0
    }

    /// Starts a new run in `directory` from the checkpoint of the run in `source`, whose step must be at or before
    /// `step`: the training state is restored exactly; `edit` may change settings that do not alter the model or
    /// its schedules (snapshots), the caller then applies changed knobs as recorded changes.
    public convenience init(fork source: String, at step: Int, into directory: String, edit: (inout RunConfig) -> Void = { _ in },
                            data given: (train: ImageDataset, test: ImageDataset)? = nil,
                            sink: @escaping (RunEvent) -> Void = { _ in }) throws(TrainerError) {
        let path = (source as NSString).appendingPathComponent(Checkpoint.fileName)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .checkpoint(path: path, reason: "no checkpoint: the run has none on disk to fork from (runs keep their latest in checkpoint.bin; --checkpoint-every writes it during training)")
        }
        var (snap, buffers) = try Checkpoint.read(path)
        if let p = snap.config.problem() { throw .checkpoint(path: path, reason: p.inFile) }
        guard snap.stepsDone <= step else {
            throw .checkpoint(path: path, reason: "holds step \(snap.stepsDone), after step \(step); the only checkpoint on disk is of step \(snap.stepsDone): fork --at \(snap.stepsDone) or later")
        }
        let data: (train: ImageDataset, test: ImageDataset)
        if let given { data = given } else {
            let source: DataSource = snap.config.data.map { .directory($0) } ?? .embedded
            do { data = try source.load() } catch { throw .data(error) }
        }
        edit(&snap.config)
        try self.init(config: snap.config, data: data, directory: directory,
                      parent: RunParent(run: source, step: snap.stepsDone), sink: sink)
        try restore(snap, buffers: buffers, path: path)
    }

    /// Puts a snapshot and its buffers back; the buffers are matched to this model's by name.
    func restore(_ snap: TrainerSnapshot, buffers: [[Float]], path: String) throws(TrainerError) {
        if let why = snap.problem(trainImages: train.count) { throw .checkpoint(path: path, reason: why) }
        let targets = checkpointBuffers
        let needed = targets.map(\.0)
        guard snap.buffers.count == needed.count, Set(snap.buffers) == Set(needed) else {
            throw .checkpoint(path: path, reason: "buffers are \(snap.buffers.joined(separator: ",")), this model and optimizer need \(needed.joined(separator: ","))")
        }
        guard buffers.count == targets.count else {
            throw .checkpoint(path: path, reason: "holds \(buffers.count) buffers, this model and optimizer need \(targets.count)")
        }
        let optimizers = family.optimizers.map(\.0)
        guard Set(snap.optimizers.keys) == Set(optimizers) else {
            throw .checkpoint(path: path, reason: "optimizers are \(snap.optimizers.keys.sorted().joined(separator: ",")), this model needs \(optimizers.joined(separator: ","))")
        }
        // In this model's order (the snapshot's names are these names, each once).
        let position = Dictionary(uniqueKeysWithValues: snap.buffers.enumerated().map { ($1, $0) })
        let sources = needed.map { buffers[position[$0]!] }
        for ((name, dst), src) in zip(targets, sources) {
            guard src.count == dst.count else {
                throw .checkpoint(path: path, reason: "\(name) has \(src.count) values, expected \(dst.count)")
            }
            guard src.allSatisfy({ $0.isFinite }) else {
                throw .checkpoint(path: path, reason: "\(name) at step \(snap.stepsDone) holds non-finite values (the run had diverged); resume an earlier checkpoint")
            }
        }
        for ((_, dst), src) in zip(targets, sources) {
            src.withUnsafeBufferPointer { dst.base.update(from: $0.baseAddress!, count: src.count) }
        }
        stepsDone = snap.stepsDone; noiseRNG = snap.noiseRNG
        for part in stateParts { part.restore(from: snap) }
        knobs = snap.knobs
        betaSchedule.config.target = snap.knobs.betaTarget
        family.ensureCapacity(knobs.batchSize)
        trainSeconds = snap.trainSeconds; samplesSeen = snap.samplesSeen; nanStreak = snap.nanStreak
    }

    /// Marks the resume point in the run file: readers drop records after `step` that precede this one.
    public func beginResumed() {
        if resumeNote != nil { emit(.header(header)) }
        emit(.state(StateChange(step: stepsDone, state: .running, reason: StateChange.resumed)))
        flush()
    }
}
