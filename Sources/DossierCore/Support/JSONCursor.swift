import Foundation

/// Where and why bytes are not the JSON a structural read expected: `expected ':' at byte 17`.
package struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package var offset: Int

    package init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    package var description: String { "\(message) at byte \(offset)" }
}

/// The package's one JSON tokenizer: a cursor over UTF-8 bytes (a request body, one event, a document). Two
/// families of reads share it: the narrow, non-throwing ones the receiver's `FastEventDecoder` builds events with
/// (nil or false means "outside the narrow grammar, let the full validator decide"), and the structural skips
/// `BatchParser` splits a batch with and `DuplicateKeyScanner` walks a document with, which throw a
/// `JSONSyntaxError` naming the byte offset.
package struct JSONCursor {
    package let bytes: UnsafeBufferPointer<UInt8>
    package var index = 0

    package init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// A scalar of the narrow grammar.
    package enum Scalar {
        case string(String)
        case integer(Int64)
        case bool(Bool)
        case null
    }

    // MARK: The narrow grammar (FastEventDecoder)

    package mutating func skipWhitespace() {
        while index < bytes.count {
            let b = bytes[index]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            index += 1
        }
    }

    package mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    package mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// A string without escapes or control characters, valid UTF-8; nil otherwise.
    package mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        var ascii = true
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if ascii { return String(decoding: slice, as: UTF8.self) }
                return String(validating: slice, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b == 0x7F { return nil }
            if b >= 0x80 { ascii = false }
            index += 1
        }
        return nil
    }

    /// `-?[1-9][0-9]{0,17}` or `0`, followed by a delimiter; nil otherwise (fractions, exponents, `-0`).
    package mutating func integer() -> Int64? {
        skipWhitespace()
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let start = index
        var value: Int64 = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = value &* 10 &+ Int64(bytes[index] - 0x30)
            index += 1
        }
        let digits = index - start
        guard digits >= 1, digits <= 18 else { return nil }
        if bytes[start] == 0x30 && (digits > 1 || negative) { return nil }
        if index < bytes.count {
            let next = bytes[index]
            guard
                next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == UInt8(ascii: "]")
                    || next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09
            else { return nil }
        }
        return negative ? -value : value
    }

    package mutating func literal(_ word: StaticString) -> Bool {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for k in 0..<count where bytes[index + k] != word.utf8Start[k] { return false }
        index += count
        return true
    }

    /// A string, integer, boolean or null.
    package mutating func scalar() -> Scalar? {
        switch peek() {
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return integer().map { .integer($0) }
        }
    }

    /// Walks one object, calling `member` with each key (which must consume the value and return false to
    /// give up, in particular for a key it has already seen: each caller rejects repeated keys).
    package mutating func object(_ member: (inout JSONCursor, String) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        while true {
            // Keys are ASCII here: no question of Unicode equivalence between spellings of a key.
            guard let key = string(), key.utf8.allSatisfy({ $0 < 0x80 }), take(UInt8(ascii: ":"))
            else { return false }
            guard member(&self, key) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// `[ "…", … ]` of plain strings.
    package mutating func stringArray() -> [String]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var items: [String] = []
        if take(UInt8(ascii: "]")) { return items }
        while true {
            guard let s = string() else { return nil }
            items.append(s)
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]")) ? items : nil
        }
    }

    // MARK: Structural skips (BatchParser)

    /// The byte at the cursor, whitespace included; nil at the end.
    package func byte() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    package mutating func expect(_ byte: UInt8, _ message: String) throws(JSONSyntaxError) {
        guard self.byte() == byte else { throw JSONSyntaxError(message: message, offset: index) }
        index += 1
    }

    /// Skips a string, escapes included (they are checked when the string is decoded, if ever).
    package mutating func skipString() throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "\""), "expected a string")
        while let b = byte() {
            index += 1
            if b == UInt8(ascii: "\\") {
                index += 1
            } else if b == UInt8(ascii: "\"") {
                return
            }
        }
        throw JSONSyntaxError(message: "unterminated string", offset: index)
    }

    /// Finds where the value at the cursor ends. Full validation of each event is the validator's job.
    package mutating func skipValue() throws(JSONSyntaxError) {
        guard let b = byte() else { throw JSONSyntaxError(message: "unexpected end", offset: index) }
        switch b {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Iterative, with an explicit stack of the expected closers: no recursion to overflow however
            // deep the nesting, and a `[` closed by `}` is an error here already.
            var closers: [UInt8] = []
            while let c = byte() {
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
                        throw JSONSyntaxError(message: "mismatched '\(shown)'", offset: index)
                    }
                    if closers.isEmpty {
                        index += 1
                        return
                    }
                }
                index += 1
            }
            throw JSONSyntaxError(message: "unterminated object or array", offset: index)
        default:
            let start = index
            while let c = byte(), c != UInt8(ascii: ","), c != UInt8(ascii: "}"), c != UInt8(ascii: "]"),
                c != 0x20, c != 0x0A, c != 0x0D, c != 0x09
            {
                index += 1
            }
            if index == start { throw JSONSyntaxError(message: "expected a value", offset: index) }
        }
    }

    /// The bytes of `range` decoded as one JSON string (escapes resolved); nil when they are not one.
    package func decodeString(_ range: Range<Int>) -> String? {
        let data = Data(UnsafeBufferPointer(rebasing: bytes[range]))
        return (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) as? String
    }
}
