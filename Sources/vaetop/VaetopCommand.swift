import ArgumentParser
import Foundation

/// The `vaetop` command line.
@main
struct Vaetop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vaetop",
        abstract: "Train a VAE and watch beta (the KL weight), lr, per-dimension KL and gradient norms live in the terminal.",
        version: VaetopVersion.current,
        subcommands: [Train.self, Replay.self, Watch.self, Export.self, Eval.self, LRFind.self, Schedule.self, Schema.self, Bench.self, BenchScreen.self, BenchLoad.self, BenchMemory.self, BenchSnapshots.self],
        defaultSubcommand: Train.self
    )

    /// Like ArgumentParser's main, but a bad flag prints one line (no usage block) and exits 64.
    static func main() {
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            let code = exitCode(for: error)
            if code == .success { print(fullMessage(for: error)); Foundation.exit(0) }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            FileHandle.standardError.write(Data("vaetop: error: \(message) (see 'vaetop help')\n".utf8))
            Foundation.exit(code == .validationFailure ? 64 : code.rawValue)
        }
        do {
            var c = command
            try c.run()
        } catch let e as ExitCode {
            Foundation.exit(e.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
