import Foundation

/// Finds an object key that appears twice in one JSON object. JSON parsers disagree on which value of a duplicate
/// wins, and the queue signs and sends the bytes verbatim, so an event with a duplicate key is ambiguous: rejected.
public enum DuplicateKeyScanner {
    /// The first duplicate key (unescaped) and the JSON path of its object, or nil. Assumes syntactically valid JSON
    /// (run after a successful parse).
    public static func firstDuplicate(in data: Data) -> (path: String, key: String)? {
        let bytes = [UInt8](data)
        // One frame per open container: keys seen (objects only), the path, and the last key read.
        var frames: [(isObject: Bool, keys: Set<String>, path: String, lastKey: String?, index: Int)] = []
        var i = 0
        func childPath(_ frame: (isObject: Bool, keys: Set<String>, path: String, lastKey: String?, index: Int))
            -> String
        {
            if frame.isObject { return frame.path.isEmpty ? (frame.lastKey ?? "") : "\(frame.path).\(frame.lastKey ?? "")" }
            return "\(frame.path)[\(frame.index)]"
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let path = frames.last.map(childPath) ?? ""
                frames.append((b == UInt8(ascii: "{"), [], path, nil, 0))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = frames.popLast()
                i += 1
            case UInt8(ascii: ","):
                if var top = frames.popLast() {
                    top.index += 1
                    frames.append(top)
                }
                i += 1
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                var escaped = false
                while i < bytes.count {
                    if bytes[i] == UInt8(ascii: "\\") {
                        escaped = true
                        i += 2
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "\"") { break }
                    i += 1
                }
                let end = min(i, bytes.count - 1)
                i += 1
                // A string is a key when the next significant byte is ':'.
                var j = i
                while j < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[j]) { j += 1 }
                guard j < bytes.count, bytes[j] == UInt8(ascii: ":"), var top = frames.popLast(), top.isObject else {
                    continue
                }
                let raw = Data(bytes[start...end])
                let key: String
                if escaped, let decoded = try? JSONDecoder().decode(String.self, from: raw) {
                    key = decoded
                } else {
                    key = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
                }
                if top.keys.contains(key) { return (top.path, key) }
                top.keys.insert(key)
                top.lastKey = key
                frames.append(top)
            default:
                i += 1
            }
        }
        return nil
    }
}
