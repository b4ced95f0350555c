import Foundation

/// A fast path for the bulk of a run file: parses one `step` record without Foundation's JSON machinery.
/// Returns nil for anything it does not recognise (another kind, escapes, nesting), and the caller falls
/// back to `RunFileCodec.decode`, so it can never change what a file means, only how fast it loads.
enum FastStepParser {
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> StepMetrics? {
        guard let base = line.baseAddress, line.count > 2 else { return nil }
        var p = base
        let end = base + line.count
        @inline(__always) func skipSpace() { while p < end && (p.pointee == 0x20 || p.pointee == 0x09 || p.pointee == 0x0D) { p += 1 } }
        @inline(__always) func expect(_ c: UInt8) -> Bool { skipSpace(); guard p < end, p.pointee == c else { return false }; p += 1; return true }
        func string() -> UnsafeBufferPointer<UInt8>? {
            guard expect(0x22) else { return nil }
            let start = p
            while p < end && p.pointee != 0x22 { if p.pointee == 0x5C { return nil }; p += 1 }
            guard p < end else { return nil }
            defer { p += 1 }
            return UnsafeBufferPointer(start: start, count: p - start)
        }
        func number() -> Double? {
            skipSpace()
            guard p < end else { return nil }
            if p.pointee == 0x22 {   // "nan", "inf", "-inf"
                guard let s = string() else { return nil }
                switch String(decoding: s, as: UTF8.self) {
                case "nan": return .nan
                case "inf": return .infinity
                case "-inf": return -.infinity
                default: return nil
                }
            }
            var after: UnsafeMutablePointer<CChar>?
            let v = UnsafeRawPointer(p).withMemoryRebound(to: CChar.self, capacity: 1) { strtod($0, &after) }
            guard let after else { return nil }
            let consumed = UnsafeRawPointer(after) - UnsafeRawPointer(p)
            guard consumed > 0, p + consumed <= end else { return nil }
            p += consumed
            return v
        }
        func numbers() -> [Double]? {
            guard expect(0x5B) else { return nil }
            var out: [Double] = []
            skipSpace()
            if p < end && p.pointee == 0x5D { p += 1; return out }
            while true {
                guard let v = number() else { return nil }
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
        var step = 0, epoch = 0, batch = 0
        var loss = Double.nan, recon = Double.nan, kl = Double.nan, beta = Double.nan, lr = Double.nan, freeBits = 0.0
        var gradNorm = Double.nan, clipped = Double.nan, coef = 1.0, sps = 0.0, time = 0.0
        var momentum: Double?, klObjective: Double?
        var klDims: [Double] = [], layers: [Double] = [], klObjectiveDims: [Double]?
        var seen = 0
        while true {
            skipSpace()
            if p < end && p.pointee == 0x7D { break }
            guard let keyBytes = string(), expect(0x3A) else { return nil }
            let key = String(decoding: keyBytes, as: UTF8.self)
            skipSpace()
            guard p < end else { return nil }
            if p.pointee == 0x6E {   // null
                guard end - p >= 4 else { return nil }
                p += 4
            } else if key == "kind" {
                guard let k = string() else { return nil }
                isStep = String(decoding: k, as: UTF8.self) == "step"
                if !isStep { return nil }
            } else if key == "klDims" || key == "layerGradNorms" || key == "klObjectiveDims" {
                guard let a = numbers() else { return nil }
                if key == "klDims" { klDims = a } else if key == "layerGradNorms" { layers = a } else { klObjectiveDims = a }
            } else {
                guard let v = number() else { return nil }
                switch key {
                case "step": guard let i = whole(v) else { return nil }; step = i; seen += 1
                case "epoch": guard let i = whole(v) else { return nil }; epoch = i; seen += 1
                case "loss": loss = v; seen += 1
                case "recon": recon = v; seen += 1
                case "kl": kl = v; seen += 1
                case "klObjective": klObjective = v
                case "beta": beta = v; seen += 1
                case "lr": lr = v; seen += 1
                case "momentum": momentum = v
                case "freeBits": freeBits = v
                case "gradNorm": gradNorm = v; seen += 1
                case "gradNormClipped": clipped = v; seen += 1
                case "clipCoef": coef = v
                case "batchSize": guard let i = whole(v) else { return nil }; batch = i; seen += 1
                case "samplesPerSecond": sps = v; seen += 1
                case "time": time = v; seen += 1
                default: break   // unknown fields are ignored, as the format promises
                }
            }
            skipSpace()
            guard p < end else { return nil }
            if p.pointee == 0x2C { p += 1; continue }
            if p.pointee == 0x7D { break }
            return nil
        }
        guard isStep, seen == 12 else { return nil }   // every required field present, else let the decoder say why
        var m = StepMetrics(step: step, epoch: epoch, loss: Float(loss), recon: Float(recon), kl: Float(kl), klDims: klDims.map(Float.init),
                            klObjective: klObjective.map(Float.init), beta: beta, lr: lr, momentum: momentum, freeBits: freeBits,
                            gradNorm: Float(gradNorm), gradNormClipped: Float(clipped), clipCoef: Float(coef),
                            layerGradNorms: layers.map(Float.init), batchSize: batch, samplesPerSecond: Float(sps), time: time)
        m.klObjectiveDims = klObjectiveDims?.map(Float.init)
        return m
    }

    /// A JSON number that is a whole Int (no trap on 1e300, nan or 2^63); nil sends the line to the JSON decoder,
    /// which says what is wrong.
    @inline(__always) static func whole(_ v: Double) -> Int? {
        guard v.isFinite, v == v.rounded(), abs(v) < 9.0e15 else { return nil }
        return Int(v)
    }
}
