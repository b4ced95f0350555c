import Foundation

/// One TensorBoard `Event` as vaetop reads and writes it: scalars and text summaries at a step.
public struct TensorBoardEvent: Sendable, Equatable {
    public var wallTime: Double
    public var step: Int64
    /// Scalar summaries (simple_value or a one-element tensor of float/double), by tag.
    public var scalars: [(tag: String, value: Double)]
    /// Text summaries (the text plugin's string tensors), by tag.
    public var texts: [(tag: String, text: String)]

    public init(wallTime: Double, step: Int64, scalars: [(tag: String, value: Double)] = [], texts: [(tag: String, text: String)] = []) {
        self.wallTime = wallTime; self.step = step; self.scalars = scalars; self.texts = texts
    }

    public static func == (a: TensorBoardEvent, b: TensorBoardEvent) -> Bool {
        a.wallTime == b.wallTime && a.step == b.step && a.scalars.map(\.tag) == b.scalars.map(\.tag)
            && a.scalars.map(\.value) == b.scalars.map(\.value) && a.texts.map(\.tag) == b.texts.map(\.tag)
            && a.texts.map(\.text) == b.texts.map(\.text)
    }

    /// The serialized `Event` (fields in number order, as TensorBoard's own writer emits them).
    public func encoded() -> [UInt8] {
        var w = ProtoWriter()
        w.double(1, wallTime)
        if step != 0 { w.int(2, step) }
        w.message(5) { summary in
            for s in scalars {
                summary.message(1) { v in v.string(1, s.tag); v.float(2, Float(s.value)) }
            }
            for t in texts {
                summary.message(1) { v in
                    v.string(1, t.tag)
                    v.message(8) { tensor in
                        tensor.int(1, 7)                          // DT_STRING
                        tensor.message(2) { shape in shape.message(2) { dim in dim.int(1, 1) } }
                        tensor.bytesField(8, Array(t.text.utf8))  // string_val
                    }
                    v.message(9) { meta in meta.message(1) { plugin in plugin.string(1, "text") } }
                }
            }
        }
        return w.bytes
    }

    /// The first record of a file: `file_version: "brain.Event:2"`.
    public static func fileVersion(wallTime: Double) -> [UInt8] {
        var w = ProtoWriter()
        w.double(1, wallTime)
        w.string(3, "brain.Event:2")
        return w.bytes
    }

    /// Decodes an `Event`; nil when it holds no summary (file_version, graphs, …).
    public static func decode(_ payload: ArraySlice<UInt8>) -> TensorBoardEvent? {
        var cache = TagCache()
        return decode(payload, tags: &cache)
    }

    /// Decodes an `Event`, reusing tag strings already seen.
    static func decode(_ payload: ArraySlice<UInt8>, tags: inout TagCache) -> TensorBoardEvent? {
        payload.withUnsafeBytes { decode($0, tags: &tags) }
    }

    static func decode(_ payload: UnsafeRawBufferPointer, tags: inout TagCache) -> TensorBoardEvent? {
        var r = ProtoReader(payload)
        var wall = 0.0, step: Int64 = 0
        var summary: UnsafeRawBufferPointer?
        while let (f, v) = r.next() {
            switch (f, v) {
            case (1, .fixed64(let x)): wall = Double(bitPattern: x)
            case (2, .varint(let s)): step = Int64(bitPattern: s)
            case (5, .bytes(let s)): summary = s
            default: break
            }
        }
        guard let summary else { return nil }
        var event = TensorBoardEvent(wallTime: wall, step: step)
        var sr = ProtoReader(summary)
        while let (f, v) = sr.next() {
            guard f == 1, case .bytes(let valueMsg) = v else { continue }
            var vr = ProtoReader(valueMsg)
            var tag = "", simple: Double?, tensor: UnsafeRawBufferPointer?, plugin = ""
            while let (vf, vv) = vr.next() {
                switch (vf, vv) {
                case (1, .bytes(let t)): tag = tags.string(t)
                case (2, .fixed32(let x)): simple = Double(Float(bitPattern: x))
                case (8, .bytes(let t)): tensor = t
                case (9, .bytes(let m)): plugin = pluginName(m)
                default: break
                }
            }
            if let simple { event.scalars.append((tag, simple)); continue }
            guard let tensor else { continue }
            if plugin == "text", let text = tensorString(tensor) { event.texts.append((tag, text)) }
            else if let value = tensorScalar(tensor) { event.scalars.append((tag, value)) }
        }
        return event
    }

    static func pluginName(_ meta: UnsafeRawBufferPointer) -> String {
        var r = ProtoReader(meta)
        while let (f, v) = r.next() {
            guard f == 1, case .bytes(let pd) = v else { continue }
            var p = ProtoReader(pd)
            while let (pf, pv) = p.next() { if pf == 1, case .bytes(let n) = pv { return String(decoding: n, as: UTF8.self) } }
        }
        return ""
    }

    /// float_val / double_val (packed or not), or tensor_content for DT_FLOAT / DT_DOUBLE.
    /// float_val / double_val (packed or not), or tensor_content for DT_FLOAT / DT_DOUBLE: the first value.
    static func tensorScalar(_ t: UnsafeRawBufferPointer) -> Double? {
        var r = ProtoReader(t)
        var dtype: UInt64 = 0
        var content: UnsafeRawBufferPointer?
        while let (f, v) = r.next() {
            switch (f, v) {
            case (1, .varint(let d)): dtype = d
            case (4, .bytes(let c)): content = c
            case (5, .bytes(let p)) where p.count >= 4: return Double(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))))
            case (5, .fixed32(let x)): return Double(Float(bitPattern: x))
            case (6, .bytes(let p)) where p.count >= 8: return Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
            case (6, .fixed64(let x)): return Double(bitPattern: x)
            default: break
            }
        }
        if dtype == 1, let c = content, c.count >= 4 { return Double(Float(bitPattern: UInt32(littleEndian: c.loadUnaligned(as: UInt32.self)))) }
        if dtype == 2, let c = content, c.count >= 8 { return Double(bitPattern: UInt64(littleEndian: c.loadUnaligned(as: UInt64.self))) }
        return nil
    }

    static func tensorString(_ t: UnsafeRawBufferPointer) -> String? {
        var r = ProtoReader(t)
        var parts: [String] = []
        while let (f, v) = r.next() { if f == 8, case .bytes(let s) = v { parts.append(String(decoding: s, as: UTF8.self)) } }
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }
}
