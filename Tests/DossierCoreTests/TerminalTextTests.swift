import Testing

@testable import DossierCore

/// The one terminal escaper: controls, DEL, C1 and bidi controls escaped; everything else kept.
@Suite struct TerminalTextTests {
    @Test func escapesEveryControlClass() {
        #expect(TerminalText.escape("plain-ascii_名前.md") == "plain-ascii_名前.md")
        #expect(TerminalText.escape("a\u{1B}[2Jb") == "a\\x1B[2Jb")
        #expect(TerminalText.escape("\r\n\t") == "\\r\\n\\t")
        #expect(TerminalText.escape("\u{0}\u{7}\u{1F}\u{7F}") == "\\x00\\x07\\x1F\\x7F")
        #expect(TerminalText.escape("\u{80}\u{85}\u{9B}\u{9F}") == "\\u{80}\\u{85}\\u{9B}\\u{9F}")
        #expect(TerminalText.escape("\u{202E}\u{2066}\u{2028}\u{200F}") == "\\u{202E}\\u{2066}\\u{2028}\\u{200F}")
        #expect(TerminalText.escape("C:\\x1B") == "C:\\x1B", "escaped text stays as it is (idempotent)")
    }

    @Test func escapesInvalidUTF8BytesOneByOne() {
        #expect(TerminalText.escape(bytes: Array("ok é".utf8)) == "ok é")
        #expect(TerminalText.escape(bytes: [0x61, 0xFF, 0x62]) == "a\\xFFb")
        #expect(TerminalText.escape(bytes: [0xC3]) == "\\xC3", "truncated sequence")
        #expect(TerminalText.escape(bytes: [0xC0, 0xAF]) == "\\xC0\\xAF", "overlong")
        #expect(TerminalText.escape(bytes: [0xED, 0xA0, 0x80]) == "\\xED\\xA0\\x80", "surrogate")
        #expect(TerminalText.escape(bytes: [0xF4, 0x90, 0x80, 0x80]) == "\\xF4\\x90\\x80\\x80", "above U+10FFFF")
        #expect(TerminalText.escape(bytes: [0xF0, 0x9F, 0x98, 0x80, 0x1B]) == "😀\\x1B")
        #expect(TerminalText.escape(bytes: [0xC2, 0x85]) == "\\u{85}")
    }

    @Test func escapeLinesKeepsLineBreaksOnly() {
        #expect(TerminalText.escapeLines("one\u{1B}\ntwo\r") == "one\\x1B\ntwo\\r")
    }
}
