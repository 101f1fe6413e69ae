/// Turns raw file-name bytes into the `String` used in relative paths, keys and JSON, and back.
///
/// Names that are valid UTF-8 are kept exactly (no Unicode normalisation). A name that is *not* valid UTF-8 is
/// written with every byte outside printable ASCII, and every `%`, as `%XX` (uppercase hex): `caf\xE9.txt` becomes
/// `caf%E9.txt`. The mapping is injective over non-UTF-8 names, the scanner keeps the raw bytes to open the file,
/// and such names always carry the `unusual_name` anomaly so the escaped spelling is never mistaken for the real one.
public enum RawName {
    /// The display/relative-path spelling of raw name bytes (see the type's documentation).
    public static func string(from bytes: [UInt8]) -> String {
        if UTF8Validator.isValid(bytes) {
            return String(decoding: bytes, as: UTF8.self)
        }
        return escaped(bytes)
    }

    /// `%XX`-escapes every byte outside printable ASCII, and `%` itself.
    public static func escaped(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(bytes.count * 2)
        let hex: [Character] = Array("0123456789ABCDEF")
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "%") {
                out.append(Character(Unicode.Scalar(byte)))
            } else {
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// Why a name is unusual, or nil: not valid UTF-8, or contains control characters (tab, newline, DEL...).
    public static func unusualReason(_ bytes: [UInt8]) -> String? {
        if !UTF8Validator.isValid(bytes) {
            return "file name is not valid UTF-8 (shown with %XX escapes)"
        }
        if bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return "file name contains control characters (tab, newline or similar)"
        }
        return nil
    }
}
