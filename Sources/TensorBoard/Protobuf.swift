import Foundation

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

/// Reads (field, value) pairs from a protobuf message held in memory; stops at the first malformed field.
/// Works on raw pointers: no reference counting per field.
struct ProtoReader {
    enum Value { case varint(UInt64), fixed64(UInt64), bytes(UnsafeRawBufferPointer), fixed32(UInt32) }
    var p: UnsafeRawPointer
    let end: UnsafeRawPointer

    init(_ b: UnsafeRawBufferPointer) {
        p = b.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        end = p + b.count
    }

    mutating func readVarint() -> UInt64? {
        var r: UInt64 = 0, shift: UInt64 = 0
        while p < end {
            let x = p.load(as: UInt8.self)
            p += 1
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
            guard end - p >= 8 else { return nil }
            defer { p += 8 }
            return (field, .fixed64(UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
        case 2:
            guard let n = readVarint(), n <= UInt64(end - p) else { return nil }
            defer { p += Int(n) }
            return (field, .bytes(UnsafeRawBufferPointer(start: p, count: Int(n))))
        case 5:
            guard end - p >= 4 else { return nil }
            defer { p += 4 }
            return (field, .fixed32(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))))
        default: return nil
        }
    }
}

/// Interns tag strings: a log repeats the same few tags at every step.
struct TagCache {
    private var entries: [UInt64: [(bytes: [UInt8], string: String)]] = [:]

    mutating func string(_ b: UnsafeRawBufferPointer) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for x in b { h = (h ^ UInt64(x)) &* 0x100_0000_01B3 }
        if let bucket = entries[h] {
            for e in bucket where e.bytes.count == b.count && e.bytes.elementsEqual(b) {
                return e.string
            }
        }
        let s = String(decoding: b, as: UTF8.self)
        entries[h, default: []].append((Array(b), s))
        return s
    }
}


/// Little-endian integer from bytes.
func littleEndian<T: FixedWidthInteger>(_ b: ArraySlice<UInt8>, as: T.Type) -> T {
    var v: T = 0
    for (i, x) in b.enumerated() { v |= T(x) << (8 * i) }
    return v
}
