/// Renders a value that came from outside (a header, a URL, a path) for an error message: control characters
/// (C0, DEL, C1) escaped as `\u{..}` and the text cut after `limit` characters, so a hostile value can neither
/// flood a log nor move the cursor nor forge a line.
public enum UntrustedText {
    /// `value` made safe to quote in one line of a message.
    public static func shown(_ value: String, limit: Int = 200) -> String {
        var out = ""
        var count = 0
        for scalar in value.unicodeScalars {
            if count >= limit { return out + "…" }
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }
}
