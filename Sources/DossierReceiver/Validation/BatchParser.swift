import DossierCore
import Foundation

/// A received batch: its id and the raw bytes of each event, exactly as they were on the wire.
public struct ReceivedBatch: Sendable, Equatable {
    public var batchID: String
    public var events: [Data]
}

/// Why a request body is not a batch.
public struct BatchParseError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "request body is not a batch: \(message) at byte \(offset)" }
}

extension BatchParseError {
    /// The tokenizer's error, read as a batch that is not one.
    init(_ syntax: JSONSyntaxError) {
        self.init(message: syntax.message, offset: syntax.offset)
    }
}

/// Splits `{"batch_id": "…", "events": [ … ]}` into the raw byte ranges of its events without decoding
/// and re-encoding them (so the stored envelope bytes are the sent bytes), on the receiver's one tokenizer
/// (`JSONCursor`). Pure; tolerant of whitespace and key order; other keys are ignored.
public enum BatchParser {
    public static func parse(_ data: Data) throws(BatchParseError) -> ReceivedBatch {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(JSONSyntaxError) -> ReceivedBatch in
                var cursor = JSONCursor(bytes: raw.bindMemory(to: UInt8.self))
                return try parse(&cursor)
            }
        }
        return try result.mapError(BatchParseError.init).get()
    }

    static func parse(_ p: inout JSONCursor) throws(JSONSyntaxError) -> ReceivedBatch {
        let bytes = p.bytes
        var batchID: String?
        var events: [Data]?
        var seenKeys: Set<String> = []
        p.skipWhitespace()
        try p.expect(UInt8(ascii: "{"), "expected a JSON object")
        p.skipWhitespace()
        if p.byte() == UInt8(ascii: "}") {
            p.index += 1
        } else {
            while true {
                p.skipWhitespace()
                let keyStart = p.index
                try p.skipString()
                guard let key = p.decodeString(keyStart..<p.index) else {
                    throw JSONSyntaxError(message: "a key is not a valid JSON string", offset: keyStart)
                }
                guard seenKeys.insert(key).inserted || (key != "events" && key != "batch_id") else {
                    throw JSONSyntaxError(message: "'\(key)' appears twice (ambiguous)", offset: keyStart)
                }
                p.skipWhitespace()
                try p.expect(UInt8(ascii: ":"), "expected ':'")
                p.skipWhitespace()
                let valueStart = p.index
                if key == "events" {
                    try p.expect(UInt8(ascii: "["), "'events' must be an array")
                    var list: [Data] = []
                    p.skipWhitespace()
                    if p.byte() == UInt8(ascii: "]") {
                        p.index += 1
                    } else {
                        while true {
                            p.skipWhitespace()
                            let start = p.index
                            try p.skipValue()
                            list.append(Data(UnsafeBufferPointer(rebasing: bytes[start..<p.index])))
                            p.skipWhitespace()
                            if p.byte() == UInt8(ascii: ",") {
                                p.index += 1
                                continue
                            }
                            try p.expect(UInt8(ascii: "]"), "expected ',' or ']' in 'events'")
                            break
                        }
                    }
                    events = list
                } else {
                    try p.skipValue()
                    if key == "batch_id" {
                        guard bytes[valueStart] == UInt8(ascii: "\""),
                            let decoded = p.decodeString(valueStart..<p.index)
                        else {
                            throw JSONSyntaxError(message: "'batch_id' must be a string", offset: valueStart)
                        }
                        batchID = decoded
                    }
                }
                p.skipWhitespace()
                if p.byte() == UInt8(ascii: ",") {
                    p.index += 1
                    continue
                }
                try p.expect(UInt8(ascii: "}"), "expected ',' or '}'")
                break
            }
        }
        p.skipWhitespace()
        guard p.index == bytes.count else { throw JSONSyntaxError(message: "trailing data", offset: p.index) }
        guard let batchID, !batchID.isEmpty else { throw JSONSyntaxError(message: "missing 'batch_id'", offset: 0) }
        guard let events else { throw JSONSyntaxError(message: "missing 'events'", offset: 0) }
        return ReceivedBatch(batchID: batchID, events: events)
    }
}
