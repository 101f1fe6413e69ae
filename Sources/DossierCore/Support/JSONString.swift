/// The one JSON string escaper of every writer in the package (event canonical bytes, `scan --json`, the export): an
/// RFC 8259 string with `"` and `\` escaped, `\b \t \n \f \r` for those controls, other control characters as
/// lowercase `\u00xx`, everything else raw UTF-8 (`/` too), byte for byte what `JSONEncoder` writes with
/// `.withoutEscapingSlashes`. Pure.
enum JSONString {
    /// Appends `s` as a quoted JSON string.
    static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { append($0, to: &out) }
    }

    /// Appends the UTF-8 bytes `utf8` as a quoted JSON string.
    static func append(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        // Fast path: nothing to escape (the common case for paths, keys and hashes).
        guard utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
            out.append(contentsOf: utf8)
            out.append(0x22)
            return
        }
        for b in utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x00..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
