import Runs

/// TFRecord framing: u64 length, masked CRC of the length, data, masked CRC of the data (little-endian).
public enum TFRecord {
    /// Frames one record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 16)
        let length = withUnsafeBytes(of: UInt64(data.count).littleEndian) { Array($0) }
        out += length
        withUnsafeBytes(of: CRC32C.masked(length).littleEndian) { out += $0 }
        out += data
        withUnsafeBytes(of: CRC32C.masked(data).littleEndian) { out += $0 }
        return out
    }

    /// A problem found while reading records, with the byte offset of the record.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { "offset \(offset): \(message)" }
    }

    /// The longest record accepted (TensorBoard's events are kilobytes; an image summary a few megabytes).
    public static let maxLength = 64 << 20

    /// Splits a file into record payloads. A record with a bad data CRC is skipped (its length was sound);
    /// a bad length CRC makes the reader search forward for the next sound record. An incomplete last record
    /// is left for a later read: `consumed` tells where complete records end.
    public static func records(_ bytes: [UInt8]) -> (payloads: [ArraySlice<UInt8>], problems: [Problem], consumed: Int) {
        var payloads: [ArraySlice<UInt8>] = []
        var problems: [Problem] = []
        var off = 0
        var consumed = 0
        while off + 12 <= bytes.count {
            let lengthBytes = bytes[off..<(off + 8)]
            let n = littleEndian(lengthBytes, as: UInt64.self)
            guard littleEndian(bytes[(off + 8)..<(off + 12)], as: UInt32.self) == CRC32C.masked(lengthBytes) else {
                problems.append(Problem(offset: off, message: "bad length checksum; searching for the next record"))
                guard let next = resync(bytes, from: off + 1) else { consumed = bytes.count; return (payloads, problems, consumed) }
                off = next
                continue
            }
            guard n <= UInt64(maxLength) else {
                // A length no event has, even with a sound checksum: a damaged or hostile file, not a record to wait for.
                problems.append(Problem(offset: off, message: "record length \(n) exceeds \(maxLength) bytes; searching for the next record"))
                guard let next = resync(bytes, from: off + 1) else { consumed = bytes.count; return (payloads, problems, consumed) }
                off = next
                continue
            }
            guard off + 12 + Int(n) + 4 <= bytes.count else { break }   // incomplete tail
            let data = bytes[(off + 12)..<(off + 12 + Int(n))]
            if littleEndian(bytes[(off + 12 + Int(n))..<(off + 16 + Int(n))], as: UInt32.self) == CRC32C.masked(data) {
                payloads.append(data)
            } else {
                problems.append(Problem(offset: off, message: "bad data checksum; record skipped"))
            }
            off += 16 + Int(n)
            consumed = off
        }
        return (payloads, problems, consumed)
    }

    /// The next offset where a length field and its checksum agree.
    private static func resync(_ bytes: [UInt8], from start: Int) -> Int? {
        var off = start
        while off + 12 <= bytes.count {
            let lengthBytes = bytes[off..<(off + 8)]
            if littleEndian(bytes[(off + 8)..<(off + 12)], as: UInt32.self) == CRC32C.masked(lengthBytes) { return off }
            off += 1
        }
        return nil
    }
}
