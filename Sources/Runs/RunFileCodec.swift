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
        let dec = JSONDecoder()
        dec.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try dec.decode(RunEvent.self, from: Data(line.utf8))
    }
}
