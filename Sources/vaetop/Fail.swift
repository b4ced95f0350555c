import ArgumentParser
import Foundation
import TerminalUI

/// Prints a one-line error to stderr and exits with `code` (64: bad usage, 65: bad data, 74: I/O).
func fail(_ message: String, code: Int32 = 64) -> ExitCode {
    FileHandle.standardError.write(Data("vaetop: error: \(message.terminalSafe())\n".utf8))
    return ExitCode(code)
}
