import Datasets
import Runs
import Training

/// Why a trainer could not start or continue.
public enum TrainerError: Error, CustomStringConvertible {
    case data(IDXError)
    case runFile(RunFileError)
    case checkpoint(path: String, reason: String)
    case invalidCommand(String)

    public var description: String {
        switch self {
        case .data(let e): return e.description
        case .runFile(let e): return e.description
        case .checkpoint(let p, let r): return "\(p): \(r)"
        case .invalidCommand(let m): return m
        }
    }
}
