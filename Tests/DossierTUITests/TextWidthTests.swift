import Testing

@testable import DossierTUI

@Suite struct DashboardTextWidthTests {
    @Test func asciiIsOneColumnWideCharsTwoCombiningZero() {
        #expect(TextWidth.width("abc") == 3)
        #expect(TextWidth.width("世界") == 4)
        #expect(TextWidth.width("e\u{301}") == 1)  // e + combining acute = one grapheme, one column
        #expect(TextWidth.width("✓") == 1)
        #expect(TextWidth.width("🙂") == 2)
        #expect(TextWidth.width("한글") == 4)
    }

    @Test func clipNeverSplitsAWideCharacter() {
        #expect(TextWidth.clip("ab世界", to: 3) == "ab")
        #expect(TextWidth.clip("ab世界", to: 4) == "ab世")
        #expect(TextWidth.clip("abc", to: 0) == "")
        #expect(TextWidth.truncate("abcdef", to: 4) == "abc…")
        #expect(TextWidth.truncate("世界世界", to: 5) == "世界…")
        #expect(TextWidth.pad("世", to: 4) == "世  ")
        #expect(TextWidth.padLeft("7", to: 3) == "  7")
    }

    @Test func controlCharactersAreNeverDrawnRaw() {
        #expect(TextWidth.sanitize("a\tb\nc\u{1B}[31m") == "a\\tb\\nc\\x1B[31m")
        var canvas = Canvas(width: 10, height: 1)
        canvas.write("x\u{1B}y\r", x: 0, y: 0)
        #expect(canvas.lines == ["x\\x1By\\r  "])
    }

    @Test func canvasKeepsWideCharactersWholeWhenOverwritten() {
        var canvas = Canvas(width: 6, height: 1)
        #expect(canvas.write("世界abc", x: 0, y: 0) == 6)  // 7 columns: cut to "世界a…"
        #expect(canvas.lines == ["世界a…"])
        canvas.write("x", x: 1, y: 0)  // overwrite the right half of 世
        #expect(canvas.lines == [" x界a…"])
        #expect(TextWidth.width(canvas.lines[0]) == 6)
        var edge = Canvas(width: 3, height: 1)
        edge.write("ab世", x: 0, y: 0)  // 世 would need columns 2-3: cut, and the cut shows
        #expect(edge.lines == ["ab…"])
    }

    /// Widths come from the C library's `wcwidth` (as the terminal's), whatever the process locale.
    @Test func widthsAreTheCLibrarysWcwidth() {
        #expect(TextWidth.width(of: Unicode.Scalar(0x1100)!) == 2)  // Hangul choseong: wide
        #expect(TextWidth.width(of: Unicode.Scalar(0xFF21)!) == 2)  // fullwidth A
        #expect(TextWidth.width(of: Unicode.Scalar(0x0301)!) == 0)  // combining acute
        #expect(TextWidth.width(of: Unicode.Scalar(0x200B)!) == 0)  // zero width space
        #expect(TextWidth.width(of: Unicode.Scalar(0x1160)!) == 0)  // Hangul jungseong filler: 0 in wcwidth
        #expect(TextWidth.width(of: Unicode.Scalar(0x20000)!) == 2)  // CJK extension B (astral)
        #expect(TextWidth.width(of: Unicode.Scalar(0x1F600)!) == 2)  // emoji
        #expect(TextWidth.width(of: Unicode.Scalar(0x00E9)!) == 1)
        #expect(TextWidth.width("a\u{0301}世") == 3)
    }
}
