import Foundation

/// One TensorBoard `Event` as vaetop reads and writes it: scalars and text summaries at a step; read only: images
/// (their PNG bytes), hparams, and the tags of summaries nothing shows (histograms, audio, other plugins).
public struct TensorBoardEvent: Sendable, Equatable {
    public var wallTime: Double
    public var step: Int64
    /// Scalar summaries (simple_value or a one-element tensor of float/double), by tag.
    public var scalars: [(tag: String, value: Double)]
    /// Text summaries (the text plugin's string tensors), by tag.
    public var texts: [(tag: String, text: String)]
    /// Image summaries (`Summary.Image`, or the images plugin's tensor: width, height, PNG…): the first image's PNG.
    public var images: [(tag: String, png: [UInt8])] = []
    /// The hparams plugin's session start: each hyperparameter's name and value as text (`add_hparams`).
    public var hparams: [(name: String, value: String)] = []
    /// Summaries vaetop does not read, with their kind ("histogram", "audio", or the plugin's name).
    public var others: [(tag: String, kind: String)] = []

    public init(wallTime: Double, step: Int64, scalars: [(tag: String, value: Double)] = [], texts: [(tag: String, text: String)] = []) {
        self.wallTime = wallTime; self.step = step; self.scalars = scalars; self.texts = texts
    }

    public static func == (a: TensorBoardEvent, b: TensorBoardEvent) -> Bool {
        a.wallTime == b.wallTime && a.step == b.step && a.scalars.map(\.tag) == b.scalars.map(\.tag)
            && a.scalars.map(\.value) == b.scalars.map(\.value) && a.texts.map(\.tag) == b.texts.map(\.tag)
            && a.texts.map(\.text) == b.texts.map(\.text) && a.images.map(\.tag) == b.images.map(\.tag)
            && a.images.map(\.png) == b.images.map(\.png) && a.hparams.map(\.name) == b.hparams.map(\.name)
            && a.hparams.map(\.value) == b.hparams.map(\.value) && a.others.map(\.tag) == b.others.map(\.tag)
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
            var tag = "", simple: Double?, tensor: UnsafeRawBufferPointer?, image: UnsafeRawBufferPointer?
            var plugin = "", content: UnsafeRawBufferPointer?, other: String?
            while let (vf, vv) = vr.next() {
                switch (vf, vv) {
                case (1, .bytes(let t)): tag = tags.string(t)
                case (2, .fixed32(let x)): simple = Double(Float(bitPattern: x))
                case (4, .bytes(let i)): image = i
                case (5, .bytes): other = "histogram"
                case (6, .bytes): other = "audio"
                case (8, .bytes(let t)): tensor = t
                case (9, .bytes(let m)): (plugin, content) = pluginData(m)
                default: break
                }
            }
            if let simple { event.scalars.append((tag, simple)); continue }
            if let image, let png = field(4, of: image) { event.images.append((tag, Array(png))); continue }
            if let other { event.others.append((tag, other)); continue }
            switch plugin {
            case "hparams": if let content { event.hparams += sessionStartHparams(content) }
            case "text": if let tensor, let text = tensorString(tensor) { event.texts.append((tag, text)) }
            case "images":
                // tf.summary.image: string_val holds width, height, then each image's PNG.
                if let tensor, let png = tensorStrings(tensor).dropFirst(2).first { event.images.append((tag, png)) }
            default:
                if let tensor, let value = tensorScalar(tensor) { event.scalars.append((tag, value)) }
                else if tensor != nil { event.others.append((tag, plugin == "histograms" ? "histogram" : plugin.isEmpty ? "tensor" : plugin)) }
            }
        }
        return event
    }

    /// The bytes of a message's first length-delimited `field`.
    static func field(_ number: Int, of message: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var r = ProtoReader(message)
        while let (f, v) = r.next() { if f == number, case .bytes(let b) = v { return b } }
        return nil
    }

    /// `SummaryMetadata.plugin_data`: the plugin's name and its content bytes.
    static func pluginData(_ meta: UnsafeRawBufferPointer) -> (String, UnsafeRawBufferPointer?) {
        guard let pd = field(1, of: meta) else { return ("", nil) }
        return (field(1, of: pd).map { String(decoding: $0, as: UTF8.self) } ?? "", field(2, of: pd))
    }

    /// The hyperparameters of an `HParamsPluginData` holding a `SessionStartInfo` (field 3), its `hparams` map
    /// (field 1: key 1, `google.protobuf.Value` 2 — number 2, string 3, bool 4), sorted by name.
    static func sessionStartHparams(_ content: UnsafeRawBufferPointer) -> [(name: String, value: String)] {
        guard let start = field(3, of: content) else { return [] }
        var out: [(String, String)] = []
        var r = ProtoReader(start)
        while let (f, v) = r.next() {
            guard f == 1, case .bytes(let entry) = v else { continue }
            var er = ProtoReader(entry)
            var name = "", value = ""
            while let (ef, ev) = er.next() {
                switch (ef, ev) {
                case (1, .bytes(let k)): name = String(decoding: k, as: UTF8.self)
                case (2, .bytes(let val)):
                    var vr = ProtoReader(val)
                    while let (vf, vv) = vr.next() {
                        switch (vf, vv) {
                        case (2, .fixed64(let x)): value = Double(bitPattern: x).compact
                        case (3, .bytes(let t)): value = String(decoding: t, as: UTF8.self)
                        case (4, .varint(let b)): value = b != 0 ? "true" : "false"
                        default: break
                        }
                    }
                default: break
                }
            }
            if !name.isEmpty { out.append((name, value)) }
        }
        return out.sorted { $0.0 < $1.0 }
    }

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

    /// A string tensor's values (string_val), joined by line breaks.
    static func tensorString(_ t: UnsafeRawBufferPointer) -> String? {
        let parts = tensorStrings(t).map { String(decoding: $0, as: UTF8.self) }
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }

    /// A string tensor's values (string_val, field 8) as bytes.
    static func tensorStrings(_ t: UnsafeRawBufferPointer) -> [[UInt8]] {
        var r = ProtoReader(t)
        var parts: [[UInt8]] = []
        while let (f, v) = r.next() { if f == 8, case .bytes(let s) = v { parts.append(Array(s)) } }
        return parts
    }
}
