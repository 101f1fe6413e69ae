@testable import DossierCore
import Foundation
import Testing

@Suite struct DeterminismTests {
    /// The `scan --json` writer: keys in UTF-8 byte order (`ByteOrder`, decomposed before precomposed), strings
    /// through the one escaper, empty containers inline.
    @Test func jsonWriterEscapesAndSortsKeysByBytes() throws {
        #expect(ByteOrder.less("B", "cafe\u{301}") && ByteOrder.less("cafe\u{301}", "caf\u{E9}"))
        var w = JSONByteWriter(capacity: 256)
        w.openObject()
        w.key("B")
        w.null()
        w.dynamicKey("cafe\u{301}")
        w.int(2)
        w.dynamicKey("caf\u{E9}")
        w.int(1)
        w.key("e")
        w.openArray()
        w.closeArray()
        w.key("o")
        w.openObject()
        w.closeObject()
        w.key("s")
        w.string("tab\there \"q\" back\\slash\nnl \u{1} é")
        w.closeObject()
        let out = w.bytes
        let text = String(decoding: out, as: UTF8.self)
        #expect(text == """
            {
              "B": null,
              "cafe\u{301}": 2,
              "caf\u{E9}": 1,
              "e": [],
              "o": {},
              "s": "tab\\there \\"q\\" back\\\\slash\\nnl \\u0001 é"
            }
            """)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String: Any])
        #expect(parsed["s"] as? String == "tab\there \"q\" back\\slash\nnl \u{1} é")
    }

    @Test func scanOfSameBytesInTwoPlacesGivesSameDossierApartFromLocation() throws {
        let a = try ScanFixture(slug: "007-same")
        let b = try ScanFixture(slug: "007-same")
        defer { a.remove(); b.remove() }
        for f in [a, b] {
            try f.write("spec.md", "alpha\n")
            try f.write("caf\u{E9}.md", "1")
            try f.write("cafe\u{301}.md", "2")
            try f.write(Array("raw".utf8) + [0xFF], [0])
        }
        var da = try a.scan(), db = try b.scan()
        #expect(da.featureDirectory != db.featureDirectory)
        da.featureDirectory = ""
        db.featureDirectory = ""
        #expect(da == db)
        #expect(SnapshotBuilder.snapshot(of: da) == SnapshotBuilder.snapshot(of: db))
        #expect(try a.scan().artifacts == da.artifacts)  // twice in the same place
    }
}
