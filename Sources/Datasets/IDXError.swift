/// What can be wrong with an IDX file; every case names the file.
public enum IDXError: Error, Equatable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case tooShort(path: String, bytes: Int)
    case badMagic(path: String, found: UInt32, expected: UInt32)
    case sizeMismatch(path: String, expectedBytes: Int, actualBytes: Int)
    case countMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)

    public var description: String {
        switch self {
        case .missing(let p): return "\(p): file not found"
        case .unreadable(let p, let r): return "\(p): cannot read (\(r))"
        case .tooShort(let p, let n): return "\(p): only \(n) bytes, too short for an IDX header"
        case .badMagic(let p, let f, let e):
            return "\(p): wrong magic number \(f) (0x\(String(f, radix: 16))), expected \(e) — not an IDX \(e == 2051 ? "image" : "label") file"
        case .sizeMismatch(let p, let e, let a):
            return "\(p): header promises \(e) bytes of data but the file holds \(a) (truncated or corrupt)"
        case .countMismatch(let i, let ic, let l, let lc):
            return "\(i) has \(ic) images but \(l) has \(lc) labels"
        }
    }
}
