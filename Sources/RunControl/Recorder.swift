import Foundation
import Runs
import Training

/// Turns what the trainer did into run records: appends each to the run file (if any) and hands it to the sink.
final class Recorder {
    let writer: RunFileWriter?
    /// Held while this trainer writes its run directory (a second writer is refused).
    var lock: RunLock?
    /// Receives every event after it is written.
    var sink: (RunEvent) -> Void
    /// While set (the lr range test), nothing is written or handed on.
    var muted = false
    /// Set when the run file can no longer be written; the loop stops with the error.
    var writeError: RunFileError?

    /// Opens the run directory's run file (creating the directory and taking its lock); none when `directory` is nil.
    init(directory: String?, sink: @escaping (RunEvent) -> Void) throws(TrainerError) {
        self.sink = sink
        guard let directory else { writer = nil; lock = nil; return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .runFile(.writeFailed(path: directory, reason: "cannot create the run directory"))
        }
        do { lock = try RunLock(directory: directory) } catch { throw .runFile(error) }
        do { writer = try RunFileWriter(path: (directory as NSString).appendingPathComponent(RunFileReader.fileName)) }
        catch { throw .runFile(error) }
    }

    /// Writes an event to the run file and hands it to the sink (neither while muted).
    func emit(_ event: RunEvent) {
        guard !muted else { return }
        if let writer, writeError == nil {
            do { try writer.append(event) } catch { writeError = error }
        }
        sink(event)
    }

    /// Flushes the run file (cheap; called every few steps and at every state change).
    func flush() {
        guard let writer, writeError == nil else { return }
        do { try writer.flush() } catch { writeError = error }
    }

    /// Flushes and fsyncs, then closes the run file and frees the run directory for the next writer.
    func close() {
        guard let writer else { return }
        do { try writer.close() } catch { if writeError == nil { writeError = error } }
        lock?.release()
        lock = nil
    }

    /// The step record of a trained step.
    static func record(_ m: StepMeasurement, step: Int, epoch: Int, batch: Int, hyper h: StepHyperparameters, momentum: Bool,
                       seconds: Double, time: Double) -> StepMetrics {
        let o = m.applied
        var r = StepMetrics(step: step, epoch: epoch, loss: Float(m.loss), recon: Float(m.recon), kl: Float(m.kl), klDims: m.klDims,
                            klObjective: m.klObjective.map { Float($0) }, beta: o.beta, lr: h.lr, momentum: momentum ? h.beta1 : nil,
                            freeBits: o.freeBits, gradNorm: Float(m.gradNorm), gradNormClipped: Float(m.gradNormClipped),
                            clipCoef: Float(m.clipCoef), layerGradNorms: m.layerGradNorms, batchSize: batch,
                            samplesPerSecond: Float(Double(batch) / max(seconds, 1e-9)), time: time)
        r.capacity = o.capacity
        if o.freeBits > 0 && o.capacity == nil {
            let lambda = Float(o.freeBits)
            r.klObjectiveDims = m.klDims.map { max(lambda, $0) }
        }
        r.gan = m.gan
        return r
    }
}
