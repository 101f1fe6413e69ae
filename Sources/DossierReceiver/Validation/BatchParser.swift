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

/// Splits `{"batch_id": "…", "events": [ … ]}` into the raw byte ranges of its events without decoding
/// and re-encoding them (so the stored envelope bytes are the sent bytes). Pure; tolerant of whitespace
/// and key order; other keys are ignored.
public enum BatchParser {
    public static func parse(_ data: Data) throws(BatchParseError) -> ReceivedBatch {
        let bytes = [UInt8](data)
        var p = Scanner(bytes: bytes)
        var batchID: String?
        var events: [Data]?
        var seenKeys: Set<String> = []
        try p.skipWhitespace()
        try p.expect(UInt8(ascii: "{"), "expected a JSON object")
        try p.skipWhitespace()
        if p.peek() == UInt8(ascii: "}") {
            p.index += 1
        } else {
            while true {
                try p.skipWhitespace()
                let keyStart = p.index
                try p.skipString()
                guard let key = p.decodeString(keyStart..<p.index) else {
                    throw BatchParseError(message: "a key is not a valid JSON string", offset: keyStart)
                }
                guard seenKeys.insert(key).inserted || (key != "events" && key != "batch_id") else {
                    throw BatchParseError(message: "'\(key)' appears twice (ambiguous)", offset: keyStart)
                }
                try p.skipWhitespace()
                try p.expect(UInt8(ascii: ":"), "expected ':'")
                try p.skipWhitespace()
                let valueStart = p.index
                if key == "events" {
                    try p.expect(UInt8(ascii: "["), "'events' must be an array")
                    var list: [Data] = []
                    try p.skipWhitespace()
                    if p.peek() == UInt8(ascii: "]") {
                        p.index += 1
                    } else {
                        while true {
                            try p.skipWhitespace()
                            let start = p.index
                            try p.skipValue()
                            list.append(Data(bytes[start..<p.index]))
                            try p.skipWhitespace()
                            if p.peek() == UInt8(ascii: ",") {
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
                            throw BatchParseError(message: "'batch_id' must be a string", offset: valueStart)
                        }
                        batchID = decoded
                    }
                }
                try p.skipWhitespace()
                if p.peek() == UInt8(ascii: ",") {
                    p.index += 1
                    continue
                }
                try p.expect(UInt8(ascii: "}"), "expected ',' or '}'")
                break
            }
        }
        try p.skipWhitespace()
        guard p.index == bytes.count else { throw BatchParseError(message: "trailing data", offset: p.index) }
        guard let batchID, !batchID.isEmpty else { throw BatchParseError(message: "missing 'batch_id'", offset: 0) }
        guard let events else { throw BatchParseError(message: "missing 'events'", offset: 0) }
        return ReceivedBatch(batchID: batchID, events: events)
    }

    /// A minimal JSON skipper: finds where values end; full validation of each event is
    /// `EventEnvelope(validating:)`'s job.
    struct Scanner {
        let bytes: [UInt8]
        var index = 0

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() throws(BatchParseError) {
            while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 }
        }

        mutating func expect(_ byte: UInt8, _ message: String) throws(BatchParseError) {
            guard peek() == byte else { throw BatchParseError(message: message, offset: index) }
            index += 1
        }

        mutating func skipString() throws(BatchParseError) {
            try expect(UInt8(ascii: "\""), "expected a string")
            while let b = peek() {
                index += 1
                if b == UInt8(ascii: "\\") {
                    index += 1
                } else if b == UInt8(ascii: "\"") {
                    return
                }
            }
            throw BatchParseError(message: "unterminated string", offset: index)
        }

        mutating func skipValue() throws(BatchParseError) {
            guard let b = peek() else { throw BatchParseError(message: "unexpected end", offset: index) }
            switch b {
            case UInt8(ascii: "\""):
                try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                // Iterative, with an explicit stack of the expected closers: no recursion to overflow however
                // deep the nesting, and a `[` closed by `}` is an error here already.
                var closers: [UInt8] = []
                while let c = peek() {
                    if c == UInt8(ascii: "\"") {
                        try skipString()
                        continue
                    }
                    if c == UInt8(ascii: "{") {
                        closers.append(UInt8(ascii: "}"))
                    } else if c == UInt8(ascii: "[") {
                        closers.append(UInt8(ascii: "]"))
                    } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                        guard closers.popLast() == c else {
                            let shown = Character(Unicode.Scalar(c))
                            throw BatchParseError(message: "mismatched '\(shown)'", offset: index)
                        }
                        if closers.isEmpty {
                            index += 1
                            return
                        }
                    }
                    index += 1
                }
                throw BatchParseError(message: "unterminated object or array", offset: index)
            default:
                let start = index
                while let c = peek(), c != UInt8(ascii: ","), c != UInt8(ascii: "}"), c != UInt8(ascii: "]"),
                    c != 0x20, c != 0x0A, c != 0x0D, c != 0x09
                {
                    index += 1
                }
                if index == start { throw BatchParseError(message: "expected a value", offset: index) }
            }
        }

        func decodeString(_ range: Range<Int>) -> String? {
            (try? JSONSerialization.jsonObject(with: Data(bytes[range]), options: .fragmentsAllowed)) as? String
        }
    }
}
