import Foundation
import Testing

@testable import DossierCore

#if canImport(Glibc)
    import Glibc
#endif

/// Entries swapped between listing and opening, and files changing while they are hashed, driven deterministically
/// through the file-system seam (`InjectingFileSystem`): no sleeps, no timing.
@Suite struct RaceTests {
    @Test func folderSwappedForASymlinkIsNeverFollowed() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("docs/inner.md", "inner")
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        try "secret".write(to: outside.appendingPathComponent("secret.md"), atomically: false, encoding: .utf8)
        let fs = InjectingFileSystem()
        fs.swapBeforeOpen = (
            "/001-test/docs",
            { path in
                try? FileManager.default.removeItem(atPath: path)
                try? FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: outside.path)
            }
        )
        let d = try f.scan(fileSystem: fs)
        #expect(!d.artifacts.contains { $0.relativePath.contains("secret") })
        let anomaly = try #require(d.anomalies(.unreadableDirectory).first)
        #expect(anomaly.relativePath == "docs" && anomaly.detail.contains("replaced"))
    }

    @Test func fileSwappedForAFIFONeverBlocks() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "alpha\n")
        try f.write("plan.md", "plan")
        let fs = InjectingFileSystem()
        fs.swapBeforeOpen = ("/plan.md", { path in _ = unlink(path); _ = mkfifo(path, 0o644) })
        let d = try f.scan(fileSystem: fs)
        #expect(d.artifact("plan.md") == nil)
        #expect(d.anomalies(.notRegularFile).map(\.relativePath) == ["plan.md"])
        #expect(d.artifact("spec.md")?.contentHashSHA256 == ScannerTests.alphaHash)
    }

    @Test func metaJSONSwappedForAFIFONeverBlocks() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        let fs = InjectingFileSystem()
        fs.swapBeforeOpen = ("/001-test/meta.json", { path in _ = unlink(path); _ = mkfifo(path, 0o644) })
        let d = try f.scan(fileSystem: fs)
        #expect(d.anomalies(.notRegularFile).map(\.relativePath) == ["meta.json"])
        #expect(d.missionType == "software-dev")
    }

    @Test func fileSwappedForASymlinkToOutsideIsNotHashed() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("plan.md", "plan")
        let fs = InjectingFileSystem()
        fs.swapBeforeOpen = ("/plan.md", { path in _ = unlink(path); _ = symlink("/etc/hostname", path) })
        let d = try f.scan(fileSystem: fs)
        let plan = try #require(d.artifact("plan.md"))
        #expect(plan.contentHashSHA256 == nil && plan.anomaly?.kind == .deletedAfterScan)
    }

    @Test func fileChangedOnceWhileHashedIsHashedAgain() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "alpha\n")
        let fs = InjectingFileSystem()
        fs.changeWhileHashing = ("/spec.md", 1)
        let d = try f.scan(fileSystem: fs)
        let spec = try #require(d.artifact("spec.md"))
        // The hash of the new content (printf 'alpha\n+'), never one of neither version.
        #expect(spec.contentHashSHA256 == StreamingHasher.sha256Hex(Array("alpha\n+".utf8)))
        #expect(spec.sizeBytes == 7 && spec.anomaly == nil)
    }

    @Test func fileChangingTwiceIsChangedDuringScanWithNoHash() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "alpha\n")
        let fs = InjectingFileSystem()
        fs.changeWhileHashing = ("/spec.md", 2)
        let d = try f.scan(fileSystem: fs)
        let spec = try #require(d.artifact("spec.md"))
        #expect(spec.anomaly?.kind == .changedDuringScan && spec.contentHashSHA256 == nil && spec.sizeBytes == nil)
        #expect(!spec.isValid)
        let meta = try #require(d.artifact("meta.json")?.contentHashSHA256)
        #expect(SnapshotBuilder.snapshot(of: d).parityHashSHA256 == ParityHash.compute([("meta.json", meta)]))
    }

    @Test func aRecentlyWrittenFileIsReadUntilTwoReadsAgree() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "alpha\n")
        let fs = InjectingFileSystem()
        _ = try f.scan(fileSystem: fs)
        // Written just now: within the racy window, so one read could miss a write in the same timestamp tick.
        #expect(fs.passes("/spec.md") == 2)
        let old = InjectingFileSystem()
        _ = try Scanner(fileSystem: old, clock: ShiftedClock(offset: 3600)).scan(ScanRequest(path: f.feature))
        #expect(old.passes("/spec.md") == 1)
    }
}
