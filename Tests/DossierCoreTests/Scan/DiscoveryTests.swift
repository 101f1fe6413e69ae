import Foundation
import Testing

@testable import DossierCore

#if canImport(Glibc)
    import Glibc
#endif

/// Which folders under `kitty-specs/` are features (every non-hidden folder, whatever its name), and that everything
/// else is listed as skipped with its reason.
@Suite struct DiscoveryTests {
    @Test func bothNamingsAreFeaturesAndTheSlugIsTheFolderName() throws {
        let f = try ScanFixture(slug: "001-older-naming")
        defer { f.remove() }
        try f.mkdir("kitty-specs/dossier-parity-reconciler-01KXYXVP")
        try f.mkdir("kitty-specs/plain")
        let result = try Scanner().scan(ScanRequest(path: f.root))
        #expect(
            result.dossiers.map(\.featureSlug) == ["001-older-naming", "dossier-parity-reconciler-01KXYXVP", "plain"])
        #expect(result.skipped.isEmpty)
    }

    @Test func everySkipReasonIsListedInByteOrder() throws {
        let f = try ScanFixture(slug: "feature-a-01KAAAAA")
        defer { f.remove() }
        try f.mkdir("kitty-specs/.archive/000-old")
        try "x".write(toFile: f.root + "/kitty-specs/README.md", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: f.root + "/kitty-specs/linked", withDestinationPath: f.feature)
        try f.mkdir("kitty-specs/locked")
        let fs = InjectingFileSystem()
        fs.failOpen = ("/kitty-specs/locked", EACCES)
        let result = try Scanner(fileSystem: fs).scan(ScanRequest(path: f.root))
        #expect(result.dossiers.map(\.featureSlug) == ["feature-a-01KAAAAA"])
        #expect(result.skipped.map(\.name) == [".archive", "README.md", "linked", "locked"])
        #expect(result.skipped.map(\.reason) == [.hidden, .notADirectory, .symlink, .unreadable])
        #expect(result.skipped.allSatisfy { $0.detail.contains("kitty-specs/\($0.name)") })
        #expect(result.skipped[3].detail.contains("Permission denied"))
    }

    @Test func unreadableFeatureFolderIsSkippedForRealWhenNotRoot() throws {
        guard geteuid() != 0 else { return }  // root opens anything; the injected variant above covers it
        let f = try ScanFixture()
        defer { f.remove() }
        try f.mkdir("kitty-specs/closed")
        chmod(f.root + "/kitty-specs/closed", 0)
        defer { chmod(f.root + "/kitty-specs/closed", 0o755) }
        let result = try Scanner().scan(ScanRequest(path: f.root))
        #expect(result.skipped.map(\.reason) == [.unreadable])
    }

    @Test func aPathInsideAFeatureScansThatFeature() throws {
        let f = try ScanFixture(slug: "inner-path-01KBBBBB")
        defer { f.remove() }
        try f.write("tasks/WP01-x.md", "x")
        try f.mkdir("kitty-specs/other-01KCCCCC")
        let result = try Scanner().scan(ScanRequest(path: f.feature + "/tasks"))
        #expect(result.dossiers.map(\.featureSlug) == ["inner-path-01KBBBBB"])
        #expect(result.dossiers[0].artifact("tasks/WP01-x.md") != nil)
        #expect(result.repositoryRoot == RepositoryLocator.canonical(f.root))
    }

    @Test func noFeaturesNamesWhatWasSkipped() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try FileManager.default.removeItem(atPath: f.feature)
        try f.mkdir("kitty-specs/.hidden")
        #expect(throws: ScanError.self) { try Scanner().scan(ScanRequest(path: f.root)) }
        do {
            _ = try Scanner().scan(ScanRequest(path: f.root))
        } catch {
            #expect(error.description.contains("no feature folders"))
            #expect(error.description.contains(".hidden (hidden)"))
            #expect(!error.description.contains("NNN"))
        }
    }

    @Test func skippedListIsInTheJSONDocument() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.mkdir("kitty-specs/.cache")
        let state = f.root + "/state"
        let result = try ScanPipeline.run(ScanRequest(path: f.root), explicitStateDirectory: state)
        let json = String(decoding: ScanJSON.encode(result, scannedAt: "t", durationMS: 0), as: UTF8.self)
        #expect(json.contains("\"skipped\": [\n    {\n      \"detail\": \"kitty-specs/.cache: hidden\""))
        #expect(json.contains("\"reason\": \"hidden\""))
    }
}
