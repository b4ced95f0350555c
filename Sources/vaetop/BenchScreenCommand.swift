import ArgumentParser
import Foundation
import Monitor
import Runs
import TerminalUI

/// `vaetop bench-screen`: time to render a full frame from a long synthetic history (use a release build).
struct BenchScreen: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-screen", abstract: "Measure the render time of one full frame.")

    @Option(help: "Steps of history.") var steps: Int = 100_000
    @Option(help: "Latent dimensions.") var latent: Int = 64
    @Option(help: "Screen width.") var width: Int = 200
    @Option(help: "Screen height.") var height: Int = 60
    @Option(help: "Frames to time.") var frames: Int = 200
    @Option(help: "Other runs compared on the same charts (0 to 63; each holds the same history, its losses scaled).") var compare: Int = 0

    func run() throws {
        var c = RunConfig()
        c.latent = latent
        c.epochs = 1
        c.clip.maxNorm = 40
        let header = RunHeader(name: "bench", created: "", config: c, layers: ["enc1", "mu", "logvar", "dec1", "out"],
                               parameters: 0, trainImages: steps * 128, testImages: 500, stepsPerEpoch: steps)
        var state = AppState(mode: .live, width: width, height: height)
        var events: [RunEvent] = [.header(header)]
        events.reserveCapacity(steps + steps / 100 + 10)
        for s in 1...steps {
            let t = Double(s)
            let dims = (0..<latent).map { Float(0.01 + Double($0 % 9) * 0.2 * (1 + 0.2 * sin(t / 300 + Double($0)))) }
            events.append(.step(StepMetrics(step: s, epoch: 1, loss: Float(100 + 300 * exp(-t / 5000) + sin(t)), recon: 90, kl: 20, klDims: dims,
                                            beta: min(1, t / 20000), lr: 1e-3, gradNorm: Float(30 + 10 * sin(t / 7)), gradNormClipped: 30,
                                            layerGradNorms: [1, 2, 3, 4, 5], batchSize: 128, samplesPerSecond: 25_000, time: t / 200)))
            if s % 1000 == 0 { events.append(.change(ParameterChange(step: s, parameter: .lr, old: 1e-3, new: 1e-3, source: "bench"))) }
        }
        // Folding the history into the screen's state (a replay's open, a watch's catch-up), timed once.
        let f0 = DispatchTime.now().uptimeNanoseconds
        _ = Reducer.reduce(&state, .events(events))
        let foldMS = Double(DispatchTime.now().uptimeNanoseconds - f0) / 1e6
        guard (0...63).contains(compare) else { throw ValidationError("--compare: 0 to 63 other runs, got \(compare)") }
        if compare > 0 {
            state.compared = (1...compare).map { k in
                ComparedRun(name: "run \(k)", events: events.map { e in
                    guard case .step(var m) = e else { return e }
                    m.loss *= 1 + Float(k) / 20
                    return .step(m)
                })
            }
            state.setUpComparison()
        }
        var times: [Double] = []
        var sink = 0
        for _ in 0..<frames {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let g = Screen.render(state)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            sink &+= g.cells.count
        }
        times.sort()
        print(String(format: "render %dx%d, %d steps, %d latent dims%@: median %.3f ms, p90 %.3f ms, best %.3f ms (%d frames, %d cells); folding the %d events in: %.0f ms",
                     width, height, steps, latent, compare > 0 ? ", \(compare) runs compared" as NSString : "" as NSString, times[times.count / 2], times[times.count * 9 / 10], times[0], frames, sink / frames, events.count, foldMS))
    }
}
