import FileAccess
import Foundation

/// The bytes of `checkpoint.bin`: "VAETOPCK", UInt32 version, UInt32 0, UInt64 n, n bytes of JSON metadata, then
/// each float buffer as UInt64 count + count little-endian Float32s; versions 2 and 3 end with the CRC-32C of every
/// byte before it (3 names its buffers and optimizers per model family, `TrainerSnapshot`). Reading checks every length against what is left before using it (this module is compiled with
/// overflow checks, and nothing here trusts the file), so a damaged file is a one-line error, never a crash.
public enum CheckpointFile {
    static let magic = Array("VAETOPCK".utf8)
    /// Version written; 1 (no checksum) and 2 (format 2's metadata, migrated by the trainer) are still read.
    public static let version: UInt32 = 3
    /// The largest metadata block accepted (a config, RNG states and a data order of 10 million images fit).
    public static let maxMetadata = 256 << 20
    /// The most buffers a checkpoint may hold.
    public static let maxBuffers = 256
    /// The largest checkpoint read (a limit no model vaetop trains comes near; a larger file is not a checkpoint).
    public static let maxFileBytes = 64 << 30

    /// What is wrong with a checkpoint file, naming the field.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public init(path: String, reason: String) { self.path = path; self.reason = reason }
        public var description: String { "\(path): \(reason)" }
    }

    /// The contents: metadata bytes and float buffers.
    public struct Contents {
        /// The format's version (1, 2 or 3): the framing of 2 and 3 is the same, their metadata is not.
        public var version: UInt32
        public var metadata: Data
        public var buffers: [[Float]]
    }

    /// Writes atomically (temporary file, fsync, rename): a failure leaves the previous checkpoint whole.
    public static func write(metadata: Data, buffers: [UnsafeBufferPointer<Float>], to path: String) throws(Problem) {
        var crc: UInt32 = 0
        var header: [UInt8] = magic
        func le<I: FixedWidthInteger>(_ v: I, into out: inout [UInt8]) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        le(version, into: &header); le(UInt32(0), into: &header); le(UInt64(metadata.count), into: &header)
        do {
            try FileOutput.atomicReplace(at: path) { fd throws(FileOutput.Failure) in
                var failed: Int32?
                func put(_ bytes: UnsafeRawBufferPointer) {
                    guard failed == nil else { return }
                    crc = CRC32C.update(crc, bytes)
                    failed = FileOutput.writeAll(fd, bytes).errno
                }
                header.withUnsafeBytes { put($0) }
                metadata.withUnsafeBytes { put($0) }
                for b in buffers {
                    var count: [UInt8] = []
                    le(UInt64(b.count), into: &count)
                    count.withUnsafeBytes { put($0) }
                    put(UnsafeRawBufferPointer(b))
                }
                var trailer: [UInt8] = []
                le(crc, into: &trailer)
                trailer.withUnsafeBytes { put($0) }
                if let e = failed { throw .failed(path: path, reason: "write failed: \(FileOutput.describe(e))") }
            }
        } catch {
            throw Problem(path: error.path, reason: error.reason)
        }
    }

    /// Reads and checks the framing; the metadata is returned undecoded for the trainer to check field by field.
    public static func read(_ path: String) throws(Problem) -> Contents {
        let data: Data
        do { data = try RegularFile.contents(path, limit: maxFileBytes) } catch { throw Problem(path: path, reason: error.reason) }
        return try parse(data, path: path)
    }

    /// Parses checkpoint bytes.
    public static func parse(_ data: Data, path: String) throws(Problem) -> Contents {
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> Problem { Problem(path: path, reason: reason) }
        guard bytes.count >= 24 else { throw fail("truncated: \(bytes.count) bytes, shorter than the header") }
        guard Array(bytes[0..<8]) == magic else { throw fail("not a vaetop checkpoint (bad magic)") }
        /// The little-endian UInt32 at byte `o` (the caller has checked that 4 bytes are there).
        func u32(at o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[o + $1]) << (8 * UInt32($1)) } }
        let version = u32(at: 8)
        guard version >= 1 && version <= Self.version else {
            throw fail(version > Self.version ? "checkpoint version \(version) is newer than \(Self.version)" : "unknown checkpoint version \(version)")
        }
        var end = bytes.count
        if version >= 2 {
            end -= 4
            let stored = u32(at: end)
            let actual = bytes.withUnsafeBytes { CRC32C.update(0, UnsafeRawBufferPointer(rebasing: $0[0..<end])) }
            guard stored == actual else { throw fail("checksum mismatch: the file is damaged or truncated") }
        }
        var o = 16
        func u64(_ field: String) throws(Problem) -> UInt64 {
            guard end - o >= 8 else { throw fail("truncated at byte \(o) while reading \(field)") }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[o + i]) << (8 * UInt64(i)) }
            o += 8
            return v
        }
        let metaLength = try u64("the metadata length")
        guard metaLength <= UInt64(min(maxMetadata, end - o)) else {
            throw fail("metadata length \(metaLength) exceeds the \(end - o) bytes left")
        }
        let metadata = Data(bytes[o..<(o + Int(metaLength))])
        o += Int(metaLength)
        var buffers: [[Float]] = []
        while o < end {
            guard buffers.count < maxBuffers else { throw fail("more than \(maxBuffers) buffers") }
            let n = try u64("the length of buffer \(buffers.count)")
            guard n <= UInt64((end - o) / 4) else {
                throw fail("buffer \(buffers.count) claims \(n) values, only \((end - o) / 4) fit in the file")
            }
            let count = Int(n)
            var a = [Float](repeating: 0, count: count)
            a.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[o..<(o + count * 4)])) }
            }
            o += count * 4
            buffers.append(a)
        }
        return Contents(version: version, metadata: metadata, buffers: buffers)
    }
}
