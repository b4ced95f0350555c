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

    /// Decodes one JSON line.
    public static func decode(_ line: Substring) throws -> RunEvent {
        try decoder.decode(RunEvent.self, from: Data(line.utf8))
    }

    /// Decodes one line given as bytes: step records take the fast path, everything else the JSON decoder.
    public static func decode(bytes line: UnsafeBufferPointer<UInt8>) throws -> RunEvent {
        if let m = FastStepParser.parse(line) { return .step(m) }
        return try decoder.decode(RunEvent.self, from: Data(buffer: line))
    }

    /// Reusable: JSONDecoder holds no state between calls.
    nonisolated(unsafe) static let decoder: JSONDecoder = {
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return dec
    }()
}
