/// Writes pretty-printed JSON straight into a byte buffer, in the layout of `ScanJSON.write` (two-space indentation,
/// `"key": value`, `[]` and `{}` when empty), without building a tree of values first. The caller writes object keys
/// already in UTF-8 byte order.
struct JSONByteWriter {
    private(set) var bytes: [UInt8] = []
    /// One entry per open container: how many members it has so far.
    private var counts: [Int] = []

    /// A writer for a value nested `depth` containers deep (a fragment placed at that depth in a document).
    init(capacity: Int, depth: Int = 0) {
        bytes.reserveCapacity(capacity)
        counts = Array(repeating: 1, count: depth)
    }

    /// Hands over the bytes written so far and starts an empty buffer (the open containers stay open): to stream.
    mutating func takeBytes() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }


    // MARK: Containers

    mutating func openObject() {
        bytes.append(UInt8(ascii: "{"))
        counts.append(0)
    }

    mutating func closeObject() { close(UInt8(ascii: "}")) }

    mutating func openArray() {
        bytes.append(UInt8(ascii: "["))
        counts.append(0)
    }

    mutating func closeArray() { close(UInt8(ascii: "]")) }

    private mutating func close(_ bracket: UInt8) {
        let members = counts.removeLast()
        if members > 0 {
            bytes.append(0x0A)
            indent()
        }
        bytes.append(bracket)
    }

    /// Starts the next member of the innermost container: the comma, newline and indentation.
    private mutating func member() {
        if counts[counts.count - 1] > 0 { bytes.append(UInt8(ascii: ",")) }
        counts[counts.count - 1] += 1
        bytes.append(0x0A)
        indent()
    }

    private mutating func indent() {
        var n = 2 * counts.count
        while n > 0 {
            let run = min(n, Self.spaces.count)
            bytes.append(contentsOf: Self.spaces[..<run])
            n -= run
        }
    }

    private static let spaces = [UInt8](repeating: 0x20, count: 64)

    /// The next object member's key (`"key": `); its value follows.
    mutating func key(_ key: StaticString) {
        member()
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":"), 0x20])
    }

    /// The next object member's key from data (escaped as a string).
    mutating func dynamicKey(_ key: String) {
        member()
        string(key)
        bytes.append(contentsOf: [UInt8(ascii: ":"), 0x20])
    }

    /// Starts the next array element; its value follows.
    mutating func element() { member() }

    // MARK: Values

    mutating func null() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    mutating func bool(_ b: Bool) {
        if b {
            bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        } else {
            bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        }
    }

    mutating func int(_ value: Int64) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of a UInt64
        let count = withUnsafeMutableBytes(of: &digits) { buffer in
            var n = 0
            while magnitude > 0 {
                buffer[23 - n] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
                n += 1
            }
            return n
        }
        withUnsafeBytes(of: &digits) { bytes.append(contentsOf: $0[(24 - count)...]) }
    }

    mutating func int(_ value: Int) { int(Int64(value)) }

    /// A JSON string (`JSONString`, the one escaper).
    mutating func string(_ s: String) { JSONString.append(s, to: &bytes) }

    mutating func string(_ s: String?) {
        if let s { string(s) } else { null() }
    }

    mutating func string(_ utf8: UnsafeBufferPointer<UInt8>) { JSONString.append(utf8, to: &bytes) }
}
