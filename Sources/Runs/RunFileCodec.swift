import Foundation

/// Turns run events into JSON lines and back.
public enum RunFileCodec {
    /// Encodes one event as a JSON line without the newline. Non-finite numbers become "nan"/"inf"/"-inf".
    public static func encode(_ event: RunEvent) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Every record type is plain data; encoding cannot fail.
        let data = (try? enc.encode(event)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes one JSON line and checks its values (`RunEvent.problem()`); throws `RunFileError` saying why not.
    public static func decode(_ line: Substring) throws(RunFileError) -> RunEvent {
        try checked(slowDecode(Data(line.utf8)))
    }

    /// Decodes one line given as bytes: step records take the fast path, everything else the JSON decoder.
    public static func decode(bytes line: UnsafeBufferPointer<UInt8>) throws(RunFileError) -> RunEvent {
        if let m = FastStepParser.parse(line) { return try checked(.step(m)) }
        return try checked(slowDecode(Data(buffer: line)))
    }

    /// The JSON decoder's reading of a line, its errors turned into one short reason.
    static func slowDecode(_ data: Data) throws(RunFileError) -> RunEvent {
        do { return try decoder.decode(RunEvent.self, from: data) }
        catch let e as RunFileError { throw e }
        catch let e as DecodingError { throw .invalidRecord(reason(e)) }
        catch { throw .invalidRecord("not JSON") }
    }

    static func checked(_ e: RunEvent) throws(RunFileError) -> RunEvent {
        if let p = e.problem() { throw .invalidRecord(p) }
        return e
    }

    /// "step: expected a number" rather than Foundation's paragraph.
    public static func reason(_ e: DecodingError) -> String {
        func path(_ c: [CodingKey]) -> String {
            c.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch e {
        case .keyNotFound(let k, let c): return "missing field '\(path(c.codingPath + [k]))'"
        case .typeMismatch(let t, let c): return "'\(path(c.codingPath))' is not a \(t == String.self ? "string" : "valid \(t)")"
        case .valueNotFound(_, let c): return "'\(path(c.codingPath))' is null"
        case .dataCorrupted(let c):
            let what = c.debugDescription.prefix(80).trimmingCharacters(in: .whitespaces)
            if c.codingPath.isEmpty { return c.underlyingError != nil || what.contains("valid JSON") || what.isEmpty ? "not JSON" : what }
            return "'\(path(c.codingPath))': \(what)"
        @unknown default: return "not a valid record"
        }
    }

    /// Reusable: JSONDecoder holds no state between calls.
    static let decoder: JSONDecoder = {
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return dec
    }()
}
