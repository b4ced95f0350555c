import Foundation

/// A fast path for the bulk of a run file: parses one `step` record without Foundation's JSON machinery.
///
/// It accepts only a subset it reads exactly as `JSONDecoder` does (strict JSON numbers, every required field
/// present once, nothing after the closing brace, numbers that fit their field) and returns nil for anything
/// else (another kind, escapes, nesting, a VAE-GAN record, a duplicate key), so the caller falls back to
/// `RunFileCodec`'s decoder. It can never change what a file means, only how fast it loads; `RunFileFuzzTests`
/// checks that both paths agree on every line they see.
enum FastStepParser {
    /// The step record's fields this path reads (all but the nested VAE-GAN record), from `StepMetrics.fields`.
    private static let fields = StepMetrics.fields.filter { if case .gan = $0.value { false } else { true } }
    /// Their JSON keys as bytes, in the same order.
    private static let keys: [[UInt8]] = fields.map { Array($0.key.utf8) }
    /// How a field's value is read and stored; with its byte offset in `StepMetrics`, the hot loop needs no key
    /// path or generic code.
    private enum Slot: UInt8 { case int, float, optionalFloat, double, optionalDouble, floats, optionalFloats }
    /// Each field's slot and byte offset (every field is a stored property, so each has one).
    private static let layout: [(slot: Slot, offset: Int)] = fields.map { f in
        func at<V>(_ k: WritableKeyPath<StepMetrics, V>) -> Int { MemoryLayout<StepMetrics>.offset(of: k)! }
        switch f.value {
        case .int(let k): return (.int, at(k))
        case .float(let k): return (.float, at(k))
        case .optionalFloat(let k): return (.optionalFloat, at(k))
        case .double(let k): return (.double, at(k))
        case .optionalDouble(let k): return (.optionalDouble, at(k))
        case .floats(let k): return (.floats, at(k))
        case .optionalFloats(let k): return (.optionalFloats, at(k))
        case .bool, .ints, .gan, .optionalInt: preconditionFailure("\(f.key): a step record's flat fields are numbers and lists of numbers")
        }
    }
    /// Bits of the fields a record may leave out (or give as null), and of those it must hold.
    private static let optionalBits: UInt64 = fields.indices.reduce(0) { fields[$1].isOptional ? $0 | (1 << UInt64($1)) : $0 }
    private static let required: UInt64 = ((1 << UInt64(fields.count)) - 1) & ~optionalBits

    /// The field whose key is `bytes`, or nil (another key: the decoder reads the line).
    private static func field(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        for (i, k) in keys.enumerated() where k.count == bytes.count {
            if k.withUnsafeBufferPointer({ memcmp($0.baseAddress!, bytes.baseAddress!, k.count) == 0 }) { return i }
        }
        return nil
    }

    /// A number token: its bytes, and whether it was one of the "nan"/"inf"/"-inf" strings.
    private enum Token { case text(UnsafeBufferPointer<UInt8>), special(Double) }

    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> StepMetrics? {
        guard let base = line.baseAddress, line.count > 2 else { return nil }
        var p = base
        let end = base + line.count
        @inline(__always) func skipSpace() {
            while p < end && (p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D || p.pointee == 0x0A) { p += 1 }
        }
        @inline(__always) func expect(_ c: UInt8) -> Bool { skipSpace(); guard p < end, p.pointee == c else { return false }; p += 1; return true }
        func string() -> UnsafeBufferPointer<UInt8>? {
            guard expect(0x22) else { return nil }
            let start = p
            while p < end && p.pointee != 0x22 {
                if p.pointee == 0x5C || p.pointee < 0x20 { return nil }   // escapes and raw controls: the decoder decides
                p += 1
            }
            guard p < end else { return nil }
            defer { p += 1 }
            return UnsafeBufferPointer(start: start, count: p - start)
        }
        /// A token in strict JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        func token() -> Token? {
            skipSpace()
            guard p < end else { return nil }
            if p.pointee == 0x22 {
                guard let s = string() else { return nil }
                switch String(decoding: s, as: UTF8.self) {
                case "nan": return .special(.nan)
                case "inf": return .special(.infinity)
                case "-inf": return .special(-.infinity)
                default: return nil
                }
            }
            let start = p
            @inline(__always) func digits() -> Int { var n = 0; while p < end && p.pointee >= 0x30 && p.pointee <= 0x39 { p += 1; n += 1 }; return n }
            if p < end && p.pointee == 0x2D { p += 1 }
            guard p < end else { return nil }
            if p.pointee == 0x30 { p += 1 } else if digits() == 0 { return nil }
            if p < end && p.pointee == 0x2E { p += 1; guard digits() > 0 else { return nil } }
            if p < end && (p.pointee == 0x65 || p.pointee == 0x45) {
                p += 1
                if p < end && (p.pointee == 0x2B || p.pointee == 0x2D) { p += 1 }
                guard digits() > 0 else { return nil }
            }
            return .text(UnsafeBufferPointer(start: start, count: p - start))
        }
        func double() -> Double? {
            switch token() {
            case .special(let v)?: return v
            case .text(let t)?: return convert(t, float: false)
            case nil: return nil
            }
        }
        func float() -> Float? {
            switch token() {
            case .special(let v)?: return Float(v)
            case .text(let t)?: return convert(t, float: true).map { Float($0) }
            case nil: return nil
            }
        }
        func int() -> Int? {
            guard case .text(let t)? = token(), !t.contains(0x2E), !t.contains(0x65), !t.contains(0x45), t.count <= 16 else { return nil }
            return Int(String(decoding: t, as: UTF8.self))   // 16 characters always fit: no overflow, no trap
        }
        func floats() -> [Float]? {
            guard expect(0x5B) else { return nil }
            var out: [Float] = []
            skipSpace()
            if p < end && p.pointee == 0x5D { p += 1; return out }
            while true {
                guard let v = float() else { return nil }
                out.append(v)
                skipSpace()
                guard p < end else { return nil }
                if p.pointee == 0x2C { p += 1; continue }
                if p.pointee == 0x5D { p += 1; return out }
                return nil
            }
        }
        guard expect(0x7B) else { return nil }
        var m = StepMetrics.blank
        var seen: UInt64 = 0
        var sawKind = false
        while true {
            skipSpace()
            if p < end && p.pointee == 0x7D && seen == 0 && !sawKind { break }
            guard let keyBytes = string(), expect(0x3A) else { return nil }
            skipSpace()
            guard p < end else { return nil }
            if keyBytes.count == 4 && keyBytes.elementsEqual("kind".utf8) {
                guard !sawKind, let k = string(), k.elementsEqual("step".utf8) else { return nil }
                sawKind = true
            } else if let i = field(keyBytes) {
                guard seen & (1 << UInt64(i)) == 0 else { return nil }   // a duplicate key: the decoder decides
                seen |= 1 << UInt64(i)
                if p.pointee == 0x6E {   // null: only optional fields may be null (then absent)
                    guard optionalBits & (1 << UInt64(i)) != 0, end - p >= 4, p[1] == 0x75, p[2] == 0x6C, p[3] == 0x6C else { return nil }
                    p += 4
                } else {
                    // Stored at the field's offset: a typed assignment (releases and retains as `m.field = v` does).
                    @inline(__always) func store<T>(_ v: T) {
                        withUnsafeMutablePointer(to: &m) { (UnsafeMutableRawPointer($0) + layout[i].offset).assumingMemoryBound(to: T.self).pointee = v }
                    }
                    switch layout[i].slot {
                    case .int: guard let v = int() else { return nil }; store(v)
                    case .float: guard let v = float() else { return nil }; store(v)
                    case .optionalFloat: guard let v = float() else { return nil }; store(Optional(v))
                    case .double: guard let v = double() else { return nil }; store(v)
                    case .optionalDouble: guard let v = double() else { return nil }; store(Optional(v))
                    case .floats: guard let a = floats() else { return nil }; store(a)
                    case .optionalFloats: guard let a = floats() else { return nil }; store(Optional(a))
                    }
                }
            } else {
                return nil   // an unknown or nested field (e.g. VAE-GAN's "gan"): the decoder reads it
            }
            skipSpace()
            guard p < end else { return nil }
            if p.pointee == 0x2C { p += 1; continue }
            if p.pointee == 0x7D { p += 1; break }
            return nil
        }
        skipSpace()
        guard p == end, sawKind, seen & required == required else { return nil }
        return m
    }

    /// A strict-grammar number token as a Double (`float`: rounded once, straight to Float precision, as the decoder
    /// does). nil when it does not fit: out of range or underflowing, where the decoder refuses or may differ.
    private static func convert(_ t: UnsafeBufferPointer<UInt8>, float: Bool) -> Double? {
        var buf = (0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64)
        guard t.count < 64 else { return nil }
        return withUnsafeMutableBytes(of: &buf) { raw -> Double? in
            let c = raw.bindMemory(to: CChar.self)
            for i in 0..<t.count { c[i] = CChar(bitPattern: t[i]) }
            c[t.count] = 0
            errno = 0
            let v = float ? Double(strtof(c.baseAddress!, nil)) : strtod(c.baseAddress!, nil)
            guard errno == 0, v.isFinite else { return nil }
            if v == 0 && t.contains(where: { $0 >= 0x31 && $0 <= 0x39 }) {
                // A nonzero mantissa that rounded to zero, e.g. 1e-400: leave it to the decoder.
                let mantissa = t.prefix { $0 != 0x65 && $0 != 0x45 }
                if mantissa.contains(where: { $0 >= 0x31 && $0 <= 0x39 }) { return nil }
            }
            return v
        }
    }
}
