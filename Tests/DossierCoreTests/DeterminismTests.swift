@testable import DossierCore
import Foundation
import Testing

@Suite struct DeterminismTests {
    @Test func jsonWriterEscapesAndSortsKeysByBytes() throws {
        var out: [UInt8] = []
        let value: ScanJSON.Value = .object([
            ("caf\u{E9}", .int(1)), ("cafe\u{301}", .int(2)), ("B", .null),
            ("s", .string("tab\there \"q\" back\\slash\nnl \u{1} é")), ("e", .array([])), ("o", .object([])),
        ])
        ScanJSON.write(value, indent: 0, into: &out)
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
