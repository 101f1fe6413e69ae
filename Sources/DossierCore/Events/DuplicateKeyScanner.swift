import Foundation

/// Finds an object key that appears twice in one JSON object. JSON parsers disagree on which value of a duplicate
/// wins, and the queue signs and sends the bytes verbatim, so an event with a duplicate key is ambiguous: rejected.
public enum DuplicateKeyScanner {
    /// One open container: the keys seen (objects only), the last key read and the element index (enough to name
    /// the path of the value being read inside it).
    private struct Frame {
        var isObject: Bool
        var keys: Set<String> = []
        var lastKey = ""
        var index = 0
    }

    /// The JSON path of the innermost container, built only when a duplicate is found (building it for every
    /// container would be quadratic in the nesting depth).
    private static func path(of frames: [Frame]) -> String {
        var path = ""
        for frame in frames.dropLast() {
            if frame.isObject {
                path += path.isEmpty ? frame.lastKey : ".\(frame.lastKey)"
            } else {
                path += "[\(frame.index)]"
            }
        }
        return path
    }

    /// The first duplicate key (unescaped) and the JSON path of its object, or nil. Meant for JSON that parsed
    /// (run after a successful parse): bytes that are not JSON give nil.
    public static func firstDuplicate(in data: Data) -> (path: String, key: String)? {
        data.withUnsafeBytes { raw in
            var cursor = JSONCursor(bytes: raw.bindMemory(to: UInt8.self))
            return try? firstDuplicate(&cursor)
        }
    }

    /// The walk, on the package's one tokenizer: containers on an explicit stack (no recursion to overflow), strings
    /// and scalars skipped by the cursor, each key decoded (escapes resolved) and checked against its object's keys.
    private static func firstDuplicate(_ c: inout JSONCursor) throws(JSONSyntaxError) -> (path: String, key: String)? {
        var frames: [Frame] = []
        while true {
            c.skipWhitespace()
            guard let b = c.byte() else { return nil }
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                frames.append(Frame(isObject: b == UInt8(ascii: "{")))
                c.index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = frames.popLast()
                c.index += 1
            case UInt8(ascii: ","):
                frames[frames.count - 1].index += 1
                c.index += 1
            case UInt8(ascii: ":"):
                c.index += 1
            case UInt8(ascii: "\""):
                let start = c.index
                try c.skipString()
                let end = c.index
                c.skipWhitespace()
                // A string is a key when it is read in an object and a ':' follows.
                guard c.byte() == UInt8(ascii: ":"), let top = frames.indices.last, frames[top].isObject else {
                    continue
                }
                let key =
                    c.decodeString(start..<end) ?? String(decoding: c.bytes[(start + 1)..<(end - 1)], as: UTF8.self)
                if frames[top].keys.contains(key) { return (path(of: frames), key) }
                frames[top].keys.insert(key)
                frames[top].lastKey = key
            default:
                try c.skipValue()
            }
        }
    }
}
