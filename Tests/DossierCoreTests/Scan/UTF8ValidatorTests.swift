import Testing

@testable import DossierCore

/// The word-at-a-time validator agrees with the standard library's UTF-8 decoding on every input, however the bytes
/// are split into chunks.
@Suite struct UTF8ValidatorTests {
    static func stdlibValid(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }

    static func chunked(_ bytes: [UInt8], at cuts: [Int]) -> Bool {
        var v = UTF8Validator()
        var start = 0
        for cut in cuts.sorted() + [bytes.count] where cut >= start && cut <= bytes.count {
            v.feed(Array(bytes[start..<cut]))
            start = cut
        }
        return v.isComplete
    }

    @Test func knownCases() {
        let cases: [([UInt8], Bool)] = [
            (Array("plain ascii, long enough to take the 32-byte path ........".utf8), true),
            (Array("café → 日本 🎉".utf8), true),
            ([0xC0, 0xAF], false),  // overlong
            ([0xED, 0xA0, 0x80], false),  // surrogate
            ([0xF4, 0x90, 0x80, 0x80], false),  // above U+10FFFF
            (Array(repeating: 0x41, count: 40) + [0xE2, 0x82], false),  // truncated at the end
            (Array(repeating: 0x41, count: 31) + [0xFF] + Array(repeating: 0x41, count: 40), false),
        ]
        for (bytes, valid) in cases {
            #expect(UTF8Validator.isValid(bytes) == valid && Self.stdlibValid(bytes) == valid, "\(bytes)")
        }
    }

    @Test func agreesWithTheStandardLibraryOnRandomInput() {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let pieces: [[UInt8]] = [
            Array("ascii run of text ".utf8), Array("é".utf8), Array("→".utf8), Array("🎉".utf8), [0x80], [0xC3],
            [0xE2, 0x82], [0xF0, 0x9F], [0xED, 0xBF, 0xBF], [0xEF, 0xBF, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF], [0xC1, 0x81],
            Array(repeating: 0x61, count: 33),
        ]
        for _ in 0..<4000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(next() % 12) { bytes += pieces[Int(next() % UInt64(pieces.count))] }
            let expected = Self.stdlibValid(bytes)
            #expect(UTF8Validator.isValid(bytes) == expected, "\(bytes)")
            let cuts = (0..<3).map { _ in bytes.isEmpty ? 0 : Int(next() % UInt64(bytes.count + 1)) }
            #expect(Self.chunked(bytes, at: cuts) == expected, "\(bytes) cut at \(cuts)")
        }
    }
}
