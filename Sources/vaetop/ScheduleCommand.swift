import ArgumentParser
import Datasets
import Foundation
import Runs
import Training

/// `vaetop schedule`: the lr, β1/momentum and β a run with these flags would use, step by step.
struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Preview the lr, beta1/momentum and beta schedules without training.")

    @OptionGroup var options: TrainingOptions
    @Option(help: "Steps to show (default: the run's planned steps).") var steps: Int?
    @Flag(help: "Print CSV: step,lr,momentum,beta (and capacity under capacity annealing, where beta is gamma).") var csv = false

    func run() throws {
        let config: RunConfig
        do { config = try options.makeConfig() } catch { throw fail(error.description) }
        let trainImages: Int
        if let dir = config.data {
            do { trainImages = try IDXReader.parseLabels(try IDXReader.readBytes(DataSource.labelsPath(dir)), path: dir).count }
            catch { throw fail("--data: \(error)", code: 65) }
        } else {
            trainImages = 5000 - 10 * DataSource.embeddedTestPerDigit
        }
        let plan = SchedulePlan(config: config, trainImages: trainImages)
        let n = steps ?? plan.plannedSteps
        guard n >= 1, n <= 10_000_000 else { throw fail("--steps: must be in 1…10000000, got \(n)") }
        let rows = plan.rows(steps: n)
        if csv {
            // Capacity annealing adds the target capacity C (its `beta` column is then γ).
            let capacity = config.betaSchedule.kind == .capacity
            var out = "step,lr,momentum,beta" + (capacity ? ",capacity" : "") + "\n"
            for r in rows { out += "\(r.step),\(r.lr),\(r.momentum),\(r.beta)" + (capacity ? ",\(r.capacity ?? 0)" : "") + "\n" }
            FileHandle.standardOutput.write(Data(out.utf8))
        } else {
            let width = max(40, min(160, terminalColumns() - 2))
            for line in SchedulePlot.render(rows: rows, width: width, height: 8, config: config) { print(line) }
        }
    }

    private func terminalColumns() -> Int {
        var ws = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 { return Int(ws.ws_col) }
        return 100
    }
}
