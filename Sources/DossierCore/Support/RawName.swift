/// Turns raw file-name bytes into the `String` used in relative paths, keys and JSON. The mapping is injective:
/// two different byte names never get the same spelling (docs/scan-json.md, "File names").
///
/// Each `/`-separated component is spelled on its own:
/// - `%XX` (two uppercase hex digits) always stands for one escaped byte, so a `%` that the name itself follows with
///   two of `0-9A-F` is written `%25` (`a%FF.md` → `a%25FF.md`); any other `%` is kept.
/// - A component that is valid UTF-8 is otherwise kept exactly (no Unicode normalisation).
/// - A component that is *not* valid UTF-8 also has every byte outside printable ASCII written `%XX`
///   (`caf\xE9.txt` → `caf%E9.txt`).
/// Decoding (`%XX` → byte, anything else as is) gives the raw bytes back, which is why no two names collide. Every
/// name whose spelling differs from its bytes carries the `unusual_name` anomaly.
public enum RawName {
    /// The display/relative-path spelling of raw name bytes (see the type's documentation).
    public static func string(from bytes: [UInt8]) -> String {
        if !bytes.contains(UInt8(ascii: "%")) && bytes.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for (n, component) in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).enumerated() {
            if n > 0 { out.append(UInt8(ascii: "/")) }
            append(Array(component), to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `%XX`-escapes every byte outside printable ASCII, and `%` itself (a raw spelling for messages).
    public static func escaped(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "%") {
                out.append(byte)
            } else {
                appendEscape(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a spelling back to raw bytes (`%XX` → the byte, everything else as is):
    /// `decode(string(from: b)) == b`.
    public static func decode(_ spelling: String) -> [UInt8] {
        let s = Array(spelling.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] == UInt8(ascii: "%"), let hi = hexValue(s, i + 1), let lo = hexValue(s, i + 2) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }

    /// Why a name is unusual, or nil: not valid UTF-8, holds control characters (tab, newline, DEL...), or holds a
    /// `%XX` that its spelling must escape.
    public static func unusualReason(_ bytes: [UInt8]) -> String? {
        if !UTF8Validator.isValid(bytes) {
            return "file name is not valid UTF-8 (shown with %XX escapes)"
        }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return "file name contains control characters (tab, newline or similar)"
        }
        if hasEscapeLookalike(bytes) {
            return "file name contains '%' followed by two hex digits (shown as %25)"
        }
        return nil
    }

    // MARK: - Private

    private static func append(_ component: [UInt8], to out: inout [UInt8]) {
        let valid = UTF8Validator.isValid(component)
        for (i, byte) in component.enumerated() {
            if byte == UInt8(ascii: "%") {
                if isHexDigit(component, i + 1) && isHexDigit(component, i + 2) {
                    out += Array("%25".utf8)
                } else {
                    out.append(byte)
                }
            } else if !valid && (byte < 0x20 || byte >= 0x7F) {
                appendEscape(byte, to: &out)
            } else {
                out.append(byte)
            }
        }
    }

    private static func hasEscapeLookalike(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains {
            bytes[$0] == UInt8(ascii: "%") && isHexDigit(bytes, $0 + 1) && isHexDigit(bytes, $0 + 2)
        }
    }

    /// True when `bytes[i]` exists and is one of `0-9A-F` (uppercase only: the digits escapes are written with).
    private static func isHexDigit(_ bytes: [UInt8], _ i: Int) -> Bool {
        i < bytes.count && hexValue(bytes, i) != nil
    }

    private static func hexValue(_ bytes: [UInt8], _ i: Int) -> UInt8? {
        guard i < bytes.count else { return nil }
        switch bytes[i] {
        case 0x30...0x39: return bytes[i] - 0x30
        case 0x41...0x46: return bytes[i] - 0x41 + 10
        default: return nil
        }
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        out.append(UInt8(ascii: "%"))
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0x0F)])
    }
}
