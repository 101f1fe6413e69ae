import Testing

@testable import DossierCore

/// The spelling of file names is injective: distinct byte names never share a `relative_path` or an `artifact_key`.
@Suite struct RawNameTests {
    @Test func percentLookalikeAndRealInvalidByteStayDistinct() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write(Array("a%FF.md".utf8), Array("literal".utf8))
        try f.write(Array("a".utf8) + [0xFF] + Array(".md".utf8), Array("raw".utf8))
        try f.write(Array("100%.md".utf8), Array("x".utf8))
        let d = try f.scan()
        let literal = try #require(d.artifact("a%25FF.md"))
        let raw = try #require(d.artifact("a%FF.md"))
        #expect(literal.contentHashSHA256 == StreamingHasher.sha256Hex(Array("literal".utf8)))
        #expect(raw.contentHashSHA256 == StreamingHasher.sha256Hex(Array("raw".utf8)))
        #expect(literal.key != raw.key && literal.anomaly?.kind == .unusualName && raw.anomaly?.kind == .unusualName)
        #expect(d.artifact("100%.md")?.anomaly == nil)  // a `%` not followed by two hex digits is kept as is
        let paths = d.artifacts.map { ByteString($0.relativePath) }
        #expect(Set(paths).count == paths.count)
        #expect(Set(d.artifacts.map { ByteString($0.key) }).count == d.artifacts.count)
    }

    @Test func spellingIsPerComponentAndDecodesBack() {
        #expect(RawName.string(from: Array("café/x".utf8) + [0xE9]) == "café/x%E9")
        #expect(RawName.string(from: Array("plain/name.md".utf8)) == "plain/name.md")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet: [UInt8] = Array("%AF09az/".utf8) + [0xC3, 0xA9, 0xFF, 0x80, 0x09]
        var seen: [ByteString: [UInt8]] = [:]
        for _ in 0..<5000 {
            var name: [UInt8] = []
            for _ in 0..<Int(state % 7) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                name.append(alphabet[Int((state >> 33) % UInt64(alphabet.count))])
            }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let spelled = RawName.string(from: name)
            #expect(RawName.decode(spelled) == name, "\(name) → \(spelled)")
            if let other = seen[ByteString(spelled)] { #expect(other == name, "\(other) and \(name) → \(spelled)") }
            seen[ByteString(spelled)] = name
        }
    }
}
