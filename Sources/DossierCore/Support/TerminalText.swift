/// Makes input-derived text safe to show on a terminal: the one escaper every human output uses (scan table, drift,
/// queue list/status, error messages, the dashboard). JSON outputs never go through it: they stay exact.
///
/// Escaped, so that no name or message can move the cursor, clear the screen, forge a line or reorder text:
/// C0 controls (`\n`, `\r`, `\t` by name, others as `\xNN`), DEL (`\x7F`), C1 controls (`\u{85}`), the Unicode
/// line/paragraph separators and the bidirectional overrides and isolates (`\u{202E}`). Invalid UTF-8 in byte input
/// becomes `\xNN` per byte. Everything else, including printable non-ASCII and the backslash, is kept, so escaping
/// is idempotent: a value escaped where it enters a message is not escaped twice when the message is printed.
public enum TerminalText {
    /// The escaped, single-line, terminal-safe spelling of `text`.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars { append(scalar, to: &out) }
        return out
    }

    /// `escape(_:)` of at most the first `limit` scalars of `text`, then `…`: for quoting a value that came from
    /// outside (a header, a URL, a path) in one line of a message, so that it can neither flood a log nor forge a line.
    public static func escape(_ text: String, limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return escape(text) }
        var head = String.UnicodeScalarView()
        head.append(contentsOf: scalars.prefix(max(0, limit)))
        return escape(String(head)) + "…"
    }

    /// Escapes raw bytes (for example a server's answer): valid UTF-8 as `escape(_:)`, each invalid byte as `\xNN`.
    public static func escape(bytes: some Collection<UInt8>) -> String {
        let b = Array(bytes)
        var out = ""
        var i = 0
        while i < b.count {
            if let (scalar, length) = scalar(in: b, at: i) {
                append(scalar, to: &out)
                i += length
            } else {
                out += hex(b[i])
                i += 1
            }
        }
        return out
    }

    /// The well-formed UTF-8 scalar starting at `i` and its length, or nil (overlong forms, surrogates and values
    /// above U+10FFFF are ill-formed).
    private static func scalar(in b: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
        let lead = b[i]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int
        var value: UInt32
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0: length = 3; value = 0; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xED: length = 3; value = 0x0D; high = 0x9F
        case 0xF0: length = 4; value = 0; low = 0x90
        case 0xF1...0xF3: length = 4; value = UInt32(lead & 0x07)
        case 0xF4: length = 4; value = 4; high = 0x8F
        default: return nil
        }
        guard i + length <= b.count else { return nil }
        for k in 1..<length {
            let c = b[i + k]
            let (lo, hi): (UInt8, UInt8) = k == 1 ? (low, high) : (0x80, 0xBF)
            guard c >= lo && c <= hi else { return nil }
            value = value << 6 | UInt32(c & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    /// Escapes each line of a multi-line text on its own and keeps the line breaks (for text this program laid out
    /// in lines, such as a rendered table, whose cells were escaped already).
    public static func escapeLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
            .joined(separator: "\n")
    }

    /// Whether `escape` rewrites this scalar.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || v == 0x7F { return true }
        if v < 0x7F { return false }
        if (0x80...0x9F).contains(v) { return true }
        switch v {
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func append(_ scalar: Unicode.Scalar, to out: inout String) {
        guard needsEscape(scalar) else {
            out.unicodeScalars.append(scalar)
            return
        }
        switch scalar.value {
        case 0x0A: out += "\\n"
        case 0x0D: out += "\\r"
        case 0x09: out += "\\t"
        case let v where v < 0x80: out += hex(UInt8(v))
        case let v: out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
