import ArgumentParser
import Foundation
import Runs

/// `vaetop schema`: the settings table, the live hyperparameters, the record kinds and the commands as JSON.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the settings (flags, ranges, defaults, knobs), record kinds and commands as JSON.",
        discussion: "Every flag's range, the live knobs' ranges and labels and the command list come from one table; the Python client's vaetop/schema.py is this output (--python).")

    @Flag(help: "Print the Python client's generated module (clients/python/vaetop/schema.py) instead.") var python = false

    func run() throws {
        FileHandle.standardOutput.write(Data((python ? RunSchema.python : RunSchema.json).utf8))
    }
}
