import CNCursesW
import DossierCore

/// Terminal display width of text, from the C library's `wcwidth` (what the terminal and tmux use too), asked
/// under a UTF-8 locale of its own (`C.UTF-8`), so the answer does not depend on the process locale and unit
/// tests need no terminal.
///
/// Control characters take 0 columns here and are never drawn raw (see `TextWidth.sanitize`); a code point
/// `wcwidth` calls unprintable (unassigned) takes 1, as terminals draw it.
public enum TextWidth {
    /// Columns one Unicode scalar occupies.
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 { return 0 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        if v < 0x10000 { return Int(CWidth.basicPlane[Int(v)]) }
        return CWidth.width(v)
    }

    /// Columns one grapheme cluster occupies: its base scalar's width; an emoji variation
    /// selector (U+FE0F) makes it 2.
    public static func width(of character: Character) -> Int {
        var result = 0
        var first = true
        for scalar in character.unicodeScalars {
            if first {
                result = width(of: scalar)
                first = false
            } else if scalar.value == 0xFE0F {
                result = max(result, 2)
            }
        }
        return result
    }

    /// Columns a string occupies. Sums scalar widths (fast: no grapheme breaking), except when an
    /// emoji variation selector asks for the per-character rule.
    public static func width<S: StringProtocol>(_ text: S) -> Int {
        var total = 0
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                total += scalar.value >= 0x20 && scalar.value != 0x7F ? 1 : 0
                continue
            }
            if scalar.value == 0xFE0F { return text.reduce(0) { $0 + width(of: $1) } }
            total += width(of: scalar)
        }
        return total
    }

    /// Longest prefix of `text` that fits in `columns`, never splitting a wide character.
    public static func clip(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if text.utf8.count <= columns, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var used = 0
        var out = ""
        for ch in text {
            let w = width(of: ch)
            if used + w > columns { break }
            used += w
            out.append(ch)
        }
        return out
    }

    /// `text` clipped to `columns`, with a trailing `…` when something was cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if width(text) <= columns { return text }
        return clip(text, to: columns - 1) + "…"
    }

    /// `text` clipped or right-padded with spaces to exactly `columns`.
    public static func pad(_ text: String, to columns: Int) -> String {
        let clipped = truncate(text, to: columns)
        return clipped + String(repeating: " ", count: max(0, columns - width(clipped)))
    }

    /// `text` right-aligned in `columns`.
    public static func padLeft(_ text: String, to columns: Int) -> String {
        let clipped = truncate(text, to: columns)
        return String(repeating: " ", count: max(0, columns - width(clipped))) + clipped
    }

    /// Escapes control characters (tabs, newlines, escape sequences in file names or server
    /// answers) with the product's one terminal escaper (`TerminalText`: `\x1B`, `\n`, …) so they can
    /// never move the cursor or change the terminal's state, and read the same as in the CLI.
    public static func sanitize(_ text: String) -> String {
        TerminalText.escape(text)
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0)
    }
}

/// `wcwidth` under a UTF-8 locale: the Basic Multilingual Plane once into a table (64 KB, about a millisecond),
/// the other planes (emoji, CJK extensions) asked each time.
enum CWidth {
    /// `C.UTF-8` for `LC_CTYPE`; nil where the C library has no UTF-8 locale, then the process locale is asked
    /// (the dashboard sets it from the environment at start-up).
    nonisolated(unsafe) static let locale: locale_t? = ncs_utf8_locale()

    /// Columns of every code point below U+10000.
    static let basicPlane: [UInt8] = (0..<0x10000).map { v in UInt8(clamping: width(UInt32(v))) }

    /// `wcwidth` of one code point: 0, 1 or 2; unprintable (-1) counts as 1, as do surrogates.
    static func width(_ v: UInt32) -> Int {
        if (0xD800...0xDFFF).contains(v) { return 1 }
        let w = ncs_wcwidth(v, locale)
        return w < 0 ? 1 : Int(min(w, 2))
    }
}
