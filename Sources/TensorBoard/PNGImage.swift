import CZlib
import Foundation

/// A PNG image as 8-bit grey levels: what TensorBoard's image summaries hold (`add_image` encodes PNG with PIL).
///
/// Reads non-interlaced 8-bit greyscale, grey+alpha, RGB and RGBA (PNG spec, ISO/IEC 15948, §6–§9: chunks, zlib
/// stream, the five row filters). Alpha is composited on black. Colour images are converted by luminance
/// (ITU-R BT.601 weights) and flagged: the screen shows grey images only.
struct PNGImage: Equatable {
    var rows: Int
    var cols: Int
    /// rows·cols grey levels, row by row.
    var pixels: [UInt8]
    /// True when some pixel's channels differ (a colour picture, not a grey one stored as RGB).
    var colour: Bool

    /// Why a PNG was not read.
    enum DecodeError: Error, Equatable, CustomStringConvertible {
        case notPNG
        case unsupported(String)
        case tooLarge(rows: Int, cols: Int)
        case corrupt(String)

        var description: String {
            switch self {
            case .notPNG: return "not a PNG image"
            case .unsupported(let what): return "unsupported PNG (\(what))"
            case .tooLarge(let rows, let cols): return "image of \(rows)×\(cols) pixels is too large"
            case .corrupt(let what): return "corrupt PNG (\(what))"
            }
        }
    }

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decodes `bytes`; sides above `maxSide` are refused before anything is inflated.
    init(_ bytes: [UInt8], maxSide: Int) throws {
        guard bytes.count > 8, Array(bytes[0..<8]) == Self.signature else { throw DecodeError.notPNG }
        func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        var i = 8
        var header: (cols: Int, rows: Int, depth: UInt8, type: UInt8, interlace: UInt8)?
        var compressed: [UInt8] = []
        while i + 8 <= bytes.count {
            let length = be32(i), type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
            guard length >= 0, i + 12 + length <= bytes.count else { throw DecodeError.corrupt("chunk \(type) runs past the end") }
            let data = bytes[(i + 8)..<(i + 8 + length)]
            switch type {
            case "IHDR":
                guard length == 13 else { throw DecodeError.corrupt("IHDR of \(length) bytes") }
                let s = data.startIndex
                header = (be32(s), be32(s + 4), bytes[s + 8], bytes[s + 9], bytes[s + 12])
            case "IDAT": compressed += data
            case "IEND": i = bytes.count; continue
            default: break
            }
            i += 12 + length
        }
        guard let h = header else { throw DecodeError.corrupt("no IHDR") }
        guard h.rows > 0, h.cols > 0 else { throw DecodeError.corrupt("empty image") }
        guard h.rows <= maxSide, h.cols <= maxSide else { throw DecodeError.tooLarge(rows: h.rows, cols: h.cols) }
        guard h.depth == 8 else { throw DecodeError.unsupported("\(h.depth)-bit") }
        guard h.interlace == 0 else { throw DecodeError.unsupported("interlaced") }
        let channels: Int
        switch h.type {
        case 0: channels = 1
        case 2: channels = 3
        case 4: channels = 2
        case 6: channels = 4
        case 3: throw DecodeError.unsupported("palette")
        default: throw DecodeError.corrupt("colour type \(h.type)")
        }
        let stride = h.cols * channels
        var raw = [UInt8](repeating: 0, count: h.rows * (stride + 1))
        var produced = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { src in
                uncompress(out.baseAddress, &produced, src.baseAddress, uLong(src.count))
            }
        }
        guard status == Z_OK, Int(produced) == raw.count else { throw DecodeError.corrupt("image data does not inflate to \(h.rows) rows") }
        let samples = try Self.unfiltered(raw, rows: h.rows, stride: stride, bytesPerPixel: channels)
        var pixels = [UInt8](repeating: 0, count: h.rows * h.cols)
        var colour = false
        for p in 0..<(h.rows * h.cols) {
            let b = p * channels
            switch channels {
            case 1: pixels[p] = samples[b]
            case 2: pixels[p] = UInt8(Int(samples[b]) * Int(samples[b + 1]) / 255)
            default:
                let r = Int(samples[b]), g = Int(samples[b + 1]), bl = Int(samples[b + 2])
                let alpha = channels == 4 ? Int(samples[b + 3]) : 255
                if r != g || g != bl { colour = true }
                let grey = r == g && g == bl ? r : (299 * r + 587 * g + 114 * bl + 500) / 1000
                pixels[p] = UInt8(grey * alpha / 255)
            }
        }
        self.init(rows: h.rows, cols: h.cols, pixels: pixels, colour: colour)
    }

    init(rows: Int, cols: Int, pixels: [UInt8], colour: Bool) {
        self.rows = rows; self.cols = cols; self.pixels = pixels; self.colour = colour
    }

    /// The samples with each row's filter undone (PNG spec §9.2: None, Sub, Up, Average, Paeth).
    static func unfiltered(_ raw: [UInt8], rows: Int, stride: Int, bytesPerPixel bpp: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: rows * stride)
        for y in 0..<rows {
            let filter = raw[y * (stride + 1)], src = y * (stride + 1) + 1, dst = y * stride
            for x in 0..<stride {
                let a = x >= bpp ? Int(out[dst + x - bpp]) : 0
                let b = y > 0 ? Int(out[dst - stride + x]) : 0
                let c = x >= bpp && y > 0 ? Int(out[dst - stride + x - bpp]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw DecodeError.corrupt("row filter \(filter)")
                }
                out[dst + x] = UInt8(truncatingIfNeeded: Int(raw[src + x]) + predictor)
            }
        }
        return out
    }
}
