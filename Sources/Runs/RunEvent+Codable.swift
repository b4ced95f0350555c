import Foundation

/// Encodes a run event as one JSON object with a `kind` field next to the record's own fields.
extension RunEvent: Codable {
    private enum KindKey: String, CodingKey { case kind }

    public init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: KindKey.self).decode(String.self, forKey: .kind)
        guard let type = Self.recordTypeByKind[kind] else { throw RunFileError.unknownKind(kind) }
        self = try type.init(from: decoder).event
    }

    public func encode(to encoder: Encoder) throws {
        var k = encoder.container(keyedBy: KindKey.self)
        try k.encode(kind, forKey: .kind)
        if case .step(let m) = self { try m.encode(to: encoder) } else { try record.encode(to: encoder) }
    }
}
