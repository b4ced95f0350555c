import ArgumentParser
import EventSources
import Foundation
import Monitor
import ResourceLocator
import Runs
import TerminalUI

/// `vaetop bench-memory`: resident memory of the screen over a very long run, and of replaying a long run file.
struct BenchMemory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-memory",
        abstract: "Measure memory: the screen after millions of steps, and the replay of a long run file (release build).")

    @Option(help: "Steps fed to the screen.") var steps: Int = 10_000_000
    @Option(name: .customLong("replay-steps"), help: "Steps in the run file replayed (0: skip).") var replaySteps: Int = 500_000
    @Option(help: "Latent dimensions.") var latent: Int = 32
    @Option(name: .customLong("replay-file"), help: "Internal: replay this run file and print the peak memory.") var replayFile: String?

    func run() throws {
        if let replayFile { try replayPeak(replayFile); return }
        if steps > 0 { screen() }
        if replaySteps > 0 { try replay() }
    }

    /// The live path: step records through the same reducer the screen uses, a 200×60 frame every 10,000 steps.
    func screen() {
        var state = AppState(mode: .live, width: 200, height: 60)
        var c = RunConfig(); c.latent = latent; c.epochs = 100_000
        let header = RunHeader(name: "bench", created: "", config: c, layers: ["enc1", "mu", "logvar", "dec1", "out"],
                               parameters: 0, trainImages: 4500, testImages: 500, stepsPerEpoch: 36)
        _ = Reducer.reduce(&state, .events([.header(header)]))
        var batch: [RunEvent] = []
        batch.reserveCapacity(1000)
        var at100k = 0.0
        let start = Date()
        print("screen: \(steps) steps, \(latent) latent dimensions, a 200×60 frame every 10,000 steps (RunEvent: \(MemoryLayout<RunEvent>.stride) bytes, StepMetrics \(MemoryLayout<StepMetrics>.stride))")
        for s in 1...steps {
            batch.append(.step(Self.step(s, latent: latent)))
            if s % 36 == 0 { batch.append(.eval(Self.eval(s, latent: latent))) }
            if batch.count >= 1000 { _ = Reducer.reduce(&state, .events(batch)); batch.removeAll(keepingCapacity: true) }
            if s % 10_000 == 0 { _ = Screen.render(state) }
            if s == 100_000 || s % 1_000_000 == 0 || s == steps {
                _ = Reducer.reduce(&state, .events(batch)); batch.removeAll(keepingCapacity: true)
                let rss = Memory.residentMB()
                if s == 100_000 { at100k = rss }
                print(String(format: "  after %9d steps: RSS %7.1f MB, %6d points held per series (%.0f s)", s, rss,
                             state.run.steps.count, Date().timeIntervalSince(start)))
            }
        }
        if steps >= 100_000 {
            print(String(format: "screen: RSS after %d steps minus RSS after 100,000: %+.1f MB (target ≤ 50 MB)", steps, Memory.residentMB() - at100k))
        }
    }

    /// A run file of `replaySteps` steps, replayed start to end in a fresh process.
    func replay() throws {
        let dir = NSTemporaryDirectory() + "/vaetop-bench-memory-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = RunConfig(); c.latent = latent; c.epochs = max(1, replaySteps / 36)
        let header = RunHeader(name: "bench", created: "", config: c, layers: ["enc1", "mu", "logvar", "dec1", "out"],
                               parameters: 0, trainImages: 4500, testImages: 500, stepsPerEpoch: 36)
        let w = try RunFileWriter(path: dir + "/run.jsonl")
        try w.append(.header(header))
        for s in 1...replaySteps {
            try w.append(.step(Self.step(s, latent: latent)))
            if s % 36 == 0 { try w.append(.eval(Self.eval(s, latent: latent))) }
        }
        try w.close()
        let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/run.jsonl")[.size] as? Int) ?? 0
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ResourceFolders.executable)
        p.arguments = ["bench-memory", "--replay-file", dir + "/run.jsonl"]
        try p.run()
        p.waitUntilExit()
        print(String(format: "replay: %d steps (%.0f MB run file) above; target: peak under 300 MB", replaySteps, Double(size) / 1e6))
    }

    /// Reads the file and plays it to the end at the fastest speed, as `vaetop replay` does without a terminal.
    func replayPeak(_ path: String) throws {
        let start = Date()
        let contents = try RunFileReader.read(path)
        let loaded = Date().timeIntervalSince(start)
        let afterLoad = Memory.residentMB(), loadPeak = Memory.peakMB()
        let source = ReplaySource(events: ReplaySource.events(consume contents))   // as `vaetop replay` does
        var state = AppState(mode: .replay, width: 200, height: 60)
        source.control(.faster, now: 0); source.control(.faster, now: 0); source.control(.faster, now: 0)
        var frames = 0
        while true {
            switch source.poll(now: Double(frames)) {
            case .none: break
            case .events(let e): _ = Reducer.reduce(&state, .events(e))
            case .reset(let e): _ = Reducer.reduce(&state, .reset(e))
            }
            frames += 1
            if frames % 25 == 0 { _ = Screen.render(state) }
            if let r = source.status, r.position >= r.total, !r.playing { break }
            if frames > 10_000_000 { break }
        }
        print(String(format: "replay: loaded in %.2f s (RSS %.1f MB, peak %.1f MB), played to step %d in %d frames; peak RSS %.1f MB, RSS now %.1f MB",
                     loaded, afterLoad, loadPeak, state.run.lastStep?.step ?? 0, frames, Memory.peakMB(), Memory.residentMB()))
    }

    static func step(_ s: Int, latent: Int) -> StepMetrics {
        let t = Double(s)
        let spike: Float = s % 50_000 == 0 ? 500 : 0
        return StepMetrics(step: s, epoch: (s - 1) / 36 + 1, loss: Float(100 + 300 * exp(-t / 5000)) + spike, recon: 90, kl: 20,
                           klDims: (0..<latent).map { Float(0.01 + Double($0) * 0.1 + sin(t / 100 + Double($0)) * 0.01) },
                           beta: 1, lr: 1e-3, gradNorm: Float(30 + sin(t)), gradNormClipped: 30, layerGradNorms: [1, 2, 3, 4, 5],
                           batchSize: 128, samplesPerSecond: 25_000, time: t / 200)
    }

    static func eval(_ s: Int, latent: Int) -> EvalMetrics {
        EvalMetrics(step: s, epoch: s / 36, loss: 110, recon: 90, kl: 20, klDims: Array(repeating: 0.5, count: latent),
                    meanVariance: Array(repeating: 0.5, count: latent), activeUnits: latent, collapsed: [], images: 500)
    }
}

/// Resident and peak memory of this process, from /proc/self/status.
enum Memory {
    static func field(_ name: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return .nan }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kb = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) } ?? .nan
            return kb / 1024
        }
        return .nan
    }
    static func residentMB() -> Double { field("VmRSS") }
    static func peakMB() -> Double { field("VmHWM") }
}
