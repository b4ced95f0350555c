import ArgumentParser

/// The `vaetop` command line.
@main
struct Vaetop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vaetop",
        abstract: "Train a VAE and watch β, lr, per-dimension KL and gradient norms live in the terminal.",
        subcommands: [Train.self, Schedule.self, Bench.self],
        defaultSubcommand: Train.self
    )
}
