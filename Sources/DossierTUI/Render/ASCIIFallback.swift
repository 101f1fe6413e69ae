/// The dashboard's text for a terminal whose locale is not UTF-8 (`LANG=C`): every non-ASCII character becomes
/// ASCII of the same display width, so nothing reaches such a terminal as byte garbage and columns stay aligned.
/// Pure; applied by the terminal layer to every run it draws.
public enum ASCIIFallback {
    /// The dashboard's own symbols, each one column.
    static let table: [Character: Character] = [
        "✓": "+", "✗": "x", "›": ">", "·": "-", "…": "~", "→": ">", "—": "-", "▏": "|", "×": "x",
        "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+",
        "█": "#", "░": ".", "▁": "_", "▂": ".", "▃": "-", "▄": "~", "▅": "=", "▆": "+", "▇": "*",
        "↑": "^", "↓": "v", "←": "<", "●": "*",
    ]

    /// `text` with every non-ASCII character replaced: known symbols by their ASCII look-alike, anything else by
    /// `?` per display column (a wide character by `??`).
    public static func ascii(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            if ch.isASCII {
                out.append(ch)
            } else if let mapped = table[ch] {
                out.append(mapped)
            } else {
                out += String(repeating: "?", count: TextWidth.width(of: ch))
            }
        }
        return out
    }
}
