import Foundation
import Runs
import TensorCore
import Training

/// `checkpoint.bin`: a `TrainerSnapshot` as JSON metadata plus the weight and optimizer buffers, framed and
/// checksummed by `Runs.CheckpointFile` (which does all the byte-level reading, outside this unchecked module).
public enum Checkpoint {
    /// The latest checkpoint's file name inside a run directory.
    public static let fileName = "checkpoint.bin"

    /// Writes atomically (temporary file, fsync, rename).
    public static func write(_ snapshot: TrainerSnapshot, buffers: [Buffer<Float>], to path: String) throws(TrainerError) {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        guard let meta = try? enc.encode(snapshot) else { throw .checkpoint(path: path, reason: "cannot encode metadata") }
        do { try CheckpointFile.write(metadata: meta, buffers: buffers.map { UnsafeBufferPointer(start: $0.base, count: $0.count) }, to: path) }
        catch { throw .checkpoint(path: error.path, reason: error.reason) }
    }

    /// Reads the metadata and the float buffers (a format 1 or 2 file migrated to format 3); the framing is checked
    /// here, the fields by `TrainerSnapshot.problem` and the buffers' names by `Trainer.restore`.
    public static func read(_ path: String) throws(TrainerError) -> (TrainerSnapshot, [[Float]]) {
        let contents: CheckpointFile.Contents
        do { contents = try CheckpointFile.read(path) } catch { throw .checkpoint(path: error.path, reason: error.reason) }
        do {
            if contents.version < 3 {
                let old = try JSONDecoder().decode(TrainerSnapshot.Format2.self, from: contents.metadata)
                return TrainerSnapshot.migrated(old, buffers: contents.buffers)
            }
            return (try JSONDecoder().decode(TrainerSnapshot.self, from: contents.metadata), contents.buffers)
        }
        catch let e as DecodingError { throw .checkpoint(path: path, reason: "metadata: \(RunFileCodec.reason(e))") }
        catch { throw .checkpoint(path: path, reason: "metadata unreadable") }
    }
}
