import CZlib
import FileAccess
import Foundation

/// Reads IDX files (the MNIST format), gzip-compressed or raw.
public enum IDXReader {
    /// Magic number of an IDX file of unsigned bytes with three dimensions (images).
    public static let imageMagic: UInt32 = 2051
    /// Magic number of an IDX file of unsigned bytes with one dimension (labels).
    public static let labelMagic: UInt32 = 2049

    /// The most decompressed bytes read from one file (Fashion-MNIST's largest is 47 MB; a larger one is not a data
    /// set this model trains on, or a gzip bomb).
    public static let maxBytes = 1 << 30

    /// The whole decompressed content of `path` (zlib reads raw files unchanged); a regular file only.
    public static func readBytes(_ path: String) throws(IDXError) -> [UInt8] {
        let fd: Int32
        do { fd = try RegularFile.openDescriptor(path) } catch {
            if case .missing = error { throw .missing(path: path) }
            throw .unreadable(path: path, reason: error.reason)
        }
        guard let f = gzdopen(fd, "rb") else { close(fd); throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { gzclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(f, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let msg = String(cString: gzerror(f, &code))
                throw .unreadable(path: path, reason: "gzip: \(msg)")
            }
            if n == 0 { break }
            guard out.count + Int(n) <= maxBytes else {
                throw .unreadable(path: path, reason: "more than \(RegularFile.describeSize(maxBytes)) of data")
            }
            out.append(contentsOf: chunk[0..<Int(n)])
        }
        return out
    }

    /// Parses an image file: returns (count, rows, cols, pixels).
    public static func parseImages(_ bytes: [UInt8], path: String) throws(IDXError) -> (count: Int, rows: Int, cols: Int, pixels: [UInt8]) {
        guard bytes.count >= 16 else { throw .tooShort(path: path, bytes: bytes.count) }
        let magic = bigEndian(bytes, 0)
        guard magic == imageMagic else { throw .badMagic(path: path, found: magic, expected: imageMagic) }
        let n = Int(bigEndian(bytes, 4)), r = Int(bigEndian(bytes, 8)), c = Int(bigEndian(bytes, 12))
        let expected = n * r * c
        guard bytes.count - 16 == expected else {
            throw .sizeMismatch(path: path, expectedBytes: expected, actualBytes: bytes.count - 16)
        }
        return (n, r, c, Array(bytes[16...]))
    }

    /// Parses a label file.
    public static func parseLabels(_ bytes: [UInt8], path: String) throws(IDXError) -> [UInt8] {
        guard bytes.count >= 8 else { throw .tooShort(path: path, bytes: bytes.count) }
        let magic = bigEndian(bytes, 0)
        guard magic == labelMagic else { throw .badMagic(path: path, found: magic, expected: labelMagic) }
        let n = Int(bigEndian(bytes, 4))
        guard bytes.count - 8 == n else { throw .sizeMismatch(path: path, expectedBytes: n, actualBytes: bytes.count - 8) }
        return Array(bytes[8...])
    }

    /// Loads an images file and its labels file into a dataset with intensities in [0, 1].
    public static func load(images: String, labels: String) throws(IDXError) -> ImageDataset {
        let img = try parseImages(try readBytes(images), path: images)
        let lab = try parseLabels(try readBytes(labels), path: labels)
        guard img.count == lab.count else {
            throw .countMismatch(images: images, imageCount: img.count, labels: labels, labelCount: lab.count)
        }
        return ImageDataset(pixels: img.pixels, labels: lab, rows: img.rows, cols: img.cols)
    }

    private static func bigEndian(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
    }
}
