import Foundation
import Testing

@testable import DossierCore

/// The `getdents64` listing gives exactly what `readdir` gives: every name (raw bytes), every kind, `.`/`..` left
/// out, whatever the number of `getdents64` calls a big folder takes.
@Suite struct DirectoryReaderTests {
    @Test func getdentsListingEqualsReaddirListing() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        // ~3,000 names of up to 120 bytes: several 32 KiB getdents64 buffers.
        for i in 0..<3000 {
            try f.write("big/" + String(repeating: "n", count: i % 120) + "-\(i).md", "")
        }
        try f.write(Array("big/raw".utf8) + [0xFF, 0x01], [])
        try f.mkdir("kitty-specs/001-test/big/sub")
        try f.symlink("big/link.md", to: "../meta.json")
        let fs = PosixFileSystem()
        let fd = try fs.openDirectory(path: Array((f.feature + "/big").utf8)).get()
        defer { fs.close(fd) }
        let getdents = try #require(DirectoryReader.getdents64)
        func sorted(_ e: [DirectoryEntry]) -> [DirectoryEntry] {
            e.sorted { $0.name.lexicographicallyPrecedes($1.name) }
        }
        let viaGetdents = sorted(try DirectoryReader.list(fd, getdents).get())
        let viaReaddir = sorted(try fs.listWithReaddir(fd).get())
        #expect(viaGetdents.count == 3003)
        #expect(viaGetdents == viaReaddir)
        #expect(viaGetdents.contains { $0.name == Array("sub".utf8) && $0.kind == .directory })
        #expect(viaGetdents.contains { $0.name == Array("link.md".utf8) && $0.kind == .symlink })
        #expect(viaGetdents.contains { $0.name == Array("raw".utf8) + [0xFF, 0x01] })
        #expect(!viaGetdents.contains { $0.name == [0x2E] || $0.name == [0x2E, 0x2E] })
        // Listing twice from the same descriptor starts over (as rewinddir does).
        #expect(sorted(try DirectoryReader.list(fd, getdents).get()) == viaGetdents)
    }
}
