/// The few protobuf wire-format pieces TensorBoard's Event messages need.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }
    mutating func key(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }
    mutating func double(_ field: Int, _ v: Double) {
        key(field, 1)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 }
    }
    mutating func float(_ field: Int, _ v: Float) {
        key(field, 5)
        withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 }
    }
    mutating func int(_ field: Int, _ v: Int64) { key(field, 0); varint(UInt64(bitPattern: v)) }
    mutating func bytesField(_ field: Int, _ b: [UInt8]) { key(field, 2); varint(UInt64(b.count)); bytes += b }
    mutating func string(_ field: Int, _ s: String) { bytesField(field, Array(s.utf8)) }
    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var inner = ProtoWriter()
        build(&inner)
        bytesField(field, inner.bytes)
    }
}

/// Reads (field, value) pairs from a protobuf message; stops at the first malformed field.
struct ProtoReader {
    enum Value { case varint(UInt64), fixed64(ArraySlice<UInt8>), bytes(ArraySlice<UInt8>), fixed32(ArraySlice<UInt8>) }
    var b: ArraySlice<UInt8>

    mutating func readVarint() -> UInt64? {
        var r: UInt64 = 0, shift: UInt64 = 0
        while let x = b.first {
            b = b.dropFirst()
            r |= UInt64(x & 0x7F) << shift
            if x < 0x80 { return r }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }

    mutating func next() -> (Int, Value)? {
        guard let k = readVarint() else { return nil }
        let field = Int(k >> 3)
        switch k & 7 {
        case 0: return readVarint().map { (field, .varint($0)) }
        case 1:
            guard b.count >= 8 else { return nil }
            defer { b = b.dropFirst(8) }
            return (field, .fixed64(b.prefix(8)))
        case 2:
            guard let n = readVarint(), n <= UInt64(b.count) else { return nil }
            defer { b = b.dropFirst(Int(n)) }
            return (field, .bytes(b.prefix(Int(n))))
        case 5:
            guard b.count >= 4 else { return nil }
            defer { b = b.dropFirst(4) }
            return (field, .fixed32(b.prefix(4)))
        default: return nil
        }
    }
}

/// Little-endian integer from bytes.
func littleEndian<T: FixedWidthInteger>(_ b: ArraySlice<UInt8>, as: T.Type) -> T {
    var v: T = 0
    for (i, x) in b.enumerated() { v |= T(x) << (8 * i) }
    return v
}
