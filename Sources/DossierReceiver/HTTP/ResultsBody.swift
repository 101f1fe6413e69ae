import Foundation

/// The `200` answer to a webhook: `{"results":[{"event_id":"…","status":"accepted"},…]}`, each object with its
/// keys sorted (`event_id`, `reason`, `status`), written directly: the same JSON as `JSONEncoder` with sorted keys
/// would give, without building dictionaries for every event. Strings other than the statuses go through
/// `JSONEncoder` (its escaping), so any event id or reason is safe.
enum ResultsBody {
    static func encode(ids: [String?], verdicts: [ReceiverVerdict]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var out = Data()
        out.reserveCapacity(verdicts.count * 72 + 16)
        out.append(contentsOf: #"{"results":["#.utf8)
        var first = true
        for (index, verdict) in verdicts.enumerated() {
            guard index < ids.count, let id = ids[index] else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: #"{"event_id":"#.utf8)
            out.append(try string(id, encoder))
            switch verdict {
            case .accepted: out.append(contentsOf: #","status":"accepted"}"#.utf8)
            case .duplicate: out.append(contentsOf: #","status":"duplicate"}"#.utf8)
            case .rejected(let reason):
                out.append(contentsOf: #","reason":"#.utf8)
                out.append(try encoder.encode(reason))
                out.append(contentsOf: #","status":"rejected"}"#.utf8)
            }
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// A JSON string literal; plain ASCII without `"`, `\` or control characters (every valid event id) is
    /// copied as it is, anything else is escaped by `JSONEncoder`.
    private static func string(_ s: String, _ encoder: JSONEncoder) throws -> Data {
        let plain = s.utf8.allSatisfy { b in
            b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\")
        }
        if plain {
            var d = Data([UInt8(ascii: "\"")])
            d.append(contentsOf: s.utf8)
            d.append(UInt8(ascii: "\""))
            return d
        }
        return try encoder.encode(s)
    }
}
