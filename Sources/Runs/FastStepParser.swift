import Foundation

/// A fast path for the bulk of a run file: parses one `step` record without Foundation's JSON machinery.
///
/// It accepts only a subset it reads exactly as `JSONDecoder` does (strict JSON numbers, every required field
/// present once, nothing after the closing brace, numbers that fit their field) and returns nil for anything
/// else (another kind, escapes, nesting, a VAE-GAN record, a duplicate key), so the caller falls back to
/// `RunFileCodec`'s decoder. It can never change what a file means, only how fast it loads; `RunFileFuzzTests`
/// checks that both paths agree on every line they see.
enum FastStepParser {
    /// Bits of the required fields, in the order of `StepMetrics`.
    private enum Field: Int, CaseIterable {
        case step, epoch, loss, recon, kl, klDims, beta, lr, freeBits, gradNorm, gradNormClipped, clipCoef,
             layerGradNorms, batchSize, samplesPerSecond, time
        case klObjective, klObjectiveDims, capacity, momentum
        static let required: UInt32 = (0..<16).reduce(0) { $0 | (1 << $1) }
        init?(_ key: String) {
            switch key {
            case "step": self = .step
            case "epoch": self = .epoch
            case "loss": self = .loss
            case "recon": self = .recon
            case "kl": self = .kl
            case "klDims": self = .klDims
            case "beta": self = .beta
            case "lr": self = .lr
            case "freeBits": self = .freeBits
            case "gradNorm": self = .gradNorm
            case "gradNormClipped": self = .gradNormClipped
            case "clipCoef": self = .clipCoef
            case "layerGradNorms": self = .layerGradNorms
            case "batchSize": self = .batchSize
            case "samplesPerSecond": self = .samplesPerSecond
            case "time": self = .time
            case "klObjective": self = .klObjective
            case "klObjectiveDims": self = .klObjectiveDims
            case "capacity": self = .capacity
            case "momentum": self = .momentum
            default: return nil
            }
        }
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
        var isStep = false
        var seen: UInt32 = 0
        var step = 0, epoch = 0, batch = 0
        var loss: Float = 0, recon: Float = 0, kl: Float = 0, gradNorm: Float = 0, clipped: Float = 0, coef: Float = 0, sps: Float = 0
        var beta = 0.0, lr = 0.0, freeBits = 0.0, time = 0.0
        var momentum: Double?, capacity: Double?, klObjective: Float?
        var klDims: [Float] = [], layers: [Float] = [], klObjectiveDims: [Float]?
        var sawKind = false
        while true {
            skipSpace()
            if p < end && p.pointee == 0x7D && seen == 0 && !sawKind { break }
            guard let keyBytes = string(), expect(0x3A) else { return nil }
            let key = String(decoding: keyBytes, as: UTF8.self)
            skipSpace()
            guard p < end else { return nil }
            if key == "kind" {
                guard !sawKind, let k = string(), String(decoding: k, as: UTF8.self) == "step" else { return nil }
                sawKind = true; isStep = true
            } else if let f = Field(key) {
                guard seen & (1 << f.rawValue) == 0 else { return nil }   // a duplicate key: the decoder decides
                seen |= 1 << f.rawValue
                if p.pointee == 0x6E {   // null: only optional fields may be null (then absent)
                    guard f.rawValue >= 16, end - p >= 4, p[1] == 0x75, p[2] == 0x6C, p[3] == 0x6C else { return nil }
                    p += 4
                } else {
                    switch f {
                    case .step: guard let v = int() else { return nil }; step = v
                    case .epoch: guard let v = int() else { return nil }; epoch = v
                    case .batchSize: guard let v = int() else { return nil }; batch = v
                    case .loss: guard let v = float() else { return nil }; loss = v
                    case .recon: guard let v = float() else { return nil }; recon = v
                    case .kl: guard let v = float() else { return nil }; kl = v
                    case .gradNorm: guard let v = float() else { return nil }; gradNorm = v
                    case .gradNormClipped: guard let v = float() else { return nil }; clipped = v
                    case .clipCoef: guard let v = float() else { return nil }; coef = v
                    case .samplesPerSecond: guard let v = float() else { return nil }; sps = v
                    case .klObjective: guard let v = float() else { return nil }; klObjective = v
                    case .beta: guard let v = double() else { return nil }; beta = v
                    case .lr: guard let v = double() else { return nil }; lr = v
                    case .freeBits: guard let v = double() else { return nil }; freeBits = v
                    case .time: guard let v = double() else { return nil }; time = v
                    case .momentum: guard let v = double() else { return nil }; momentum = v
                    case .capacity: guard let v = double() else { return nil }; capacity = v
                    case .klDims: guard let a = floats() else { return nil }; klDims = a
                    case .layerGradNorms: guard let a = floats() else { return nil }; layers = a
                    case .klObjectiveDims: guard let a = floats() else { return nil }; klObjectiveDims = a
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
        guard p == end, isStep, seen & Field.required == Field.required else { return nil }
        var m = StepMetrics(step: step, epoch: epoch, loss: loss, recon: recon, kl: kl, klDims: klDims, klObjective: klObjective,
                            beta: beta, lr: lr, momentum: momentum, freeBits: freeBits, gradNorm: gradNorm, gradNormClipped: clipped,
                            clipCoef: coef, layerGradNorms: layers, batchSize: batch, samplesPerSecond: sps, time: time)
        m.klObjectiveDims = klObjectiveDims
        m.capacity = capacity
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
