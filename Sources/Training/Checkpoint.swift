import Foundation
import Runs
import TensorCore

/// The binary checkpoint file: "VAETOPCK", UInt32 version, UInt32 0, UInt64 n, n bytes of JSON metadata
/// (`TrainerSnapshot`), then each float buffer as UInt64 count + count little-endian Float32s.
public enum Checkpoint {
    static let magic = Array("VAETOPCK".utf8)
    public static let version: UInt32 = 1
    /// The latest checkpoint's file name inside a run directory.
    public static let fileName = "checkpoint.bin"

    /// Writes atomically (temporary file, fsync, rename).
    public static func write(_ snapshot: TrainerSnapshot, buffers: [Buffer<Float>], to path: String) throws(TrainerError) {
        var out: [UInt8] = magic
        func le<I: FixedWidthInteger>(_ v: I) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        guard let meta = try? enc.encode(snapshot) else { throw .checkpoint(path: path, reason: "cannot encode metadata") }
        le(version); le(UInt32(0)); le(UInt64(meta.count))
        out.append(contentsOf: meta)
        for b in buffers {
            le(UInt64(b.count))
            let bytes = UnsafeRawBufferPointer(start: b.base, count: b.count * 4)
            out.append(contentsOf: bytes)
        }
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .checkpoint(path: tmp, reason: String(cString: strerror(errno))) }
        var written = 0
        while written < out.count {
            let n = out.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd); unlink(tmp)
                throw .checkpoint(path: tmp, reason: "write failed: \(reason)")
            }
            written += n
        }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd); unlink(tmp)
            throw .checkpoint(path: tmp, reason: "fsync failed: \(reason)")
        }
        close(fd)
        guard rename(tmp, path) == 0 else { throw .checkpoint(path: path, reason: String(cString: strerror(errno))) }
    }

    /// Reads the metadata and the float buffers.
    public static func read(_ path: String) throws(TrainerError) -> (TrainerSnapshot, [[Float]]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .checkpoint(path: path, reason: "no such file or not readable")
        }
        let bytes = [UInt8](data)
        var o = 0
        func need(_ n: Int) throws(TrainerError) {
            if o + n > bytes.count { throw .checkpoint(path: path, reason: "truncated at byte \(o) (needs \(n) more)") }
        }
        func u64() throws(TrainerError) -> UInt64 {
            try need(8)
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[o + i]) << (8 * UInt64(i)) }
            o += 8
            return v
        }
        try need(16)
        guard Array(bytes[0..<8]) == magic else { throw .checkpoint(path: path, reason: "not a vaetop checkpoint (bad magic)") }
        let version = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
        guard version <= Self.version else { throw .checkpoint(path: path, reason: "checkpoint version \(version) is newer than \(Self.version)") }
        o = 16
        let metaLength = Int(try u64())
        try need(metaLength)
        let snapshot: TrainerSnapshot
        do { snapshot = try JSONDecoder().decode(TrainerSnapshot.self, from: Data(bytes[o..<(o + metaLength)])) }
        catch { throw .checkpoint(path: path, reason: "metadata unreadable: \(error)") }
        o += metaLength
        var buffers: [[Float]] = []
        for _ in snapshot.buffers {
            let n = Int(try u64())
            try need(n * 4)
            var a = [Float](repeating: 0, count: n)
            a.withUnsafeMutableBytes { dst in bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[o..<(o + n * 4)])) } }
            o += n * 4
            buffers.append(a)
        }
        return (snapshot, buffers)
    }
}
