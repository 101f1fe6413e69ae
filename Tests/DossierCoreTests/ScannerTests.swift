import Foundation
import Synchronization
import Testing

@testable import DossierCore

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ScannerTests {
    // printf 'alpha\n' | sha256sum
    static let alphaHash = "b6a98d9ce9a2d9149288fa3df42d377c3e42737afdcdaf714e33c0a100b51060"

    @Test func demoMissionHasOneMissingRequiredAndOneNonUTF8Optional() throws {
        let demo = ManifestTests.repoRoot + "/assets/demo/kitty-specs/001-demo-checkout"
        let result = try Scanner().scan(ScanRequest(path: demo))
        let d = try #require(result.dossiers.first)
        #expect(result.dossiers.count == 1 && d.featureSlug == "001-demo-checkout")
        #expect(d.missionType == "software-dev" && d.currentStep == "implement" && d.stepSource == .metaJSON)
        let missing = d.artifacts.filter { !$0.present }
        #expect(missing.map(\.relativePath) == ["tasks.md"] && missing[0].requiredStatus == .required)
        #expect(d.artifact("notes/latin1.txt")?.anomaly?.kind == .invalidFormat)
        #expect(d.artifact("notes/latin1.txt")?.requiredStatus == .optional)
        #expect(d.artifact("tasks/WP02-payment-client.md")?.wpID == "WP02")
        #expect(d.artifact("tasks/WP02-payment-client.md")?.key == "work_package.wp02-payment-client.md")
        #expect(SnapshotBuilder.snapshot(of: d).completeness == .incomplete)
        let paths = d.artifacts.map { Array($0.relativePath.utf8) }
        #expect(paths == paths.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func hashesRawBytesAndFlagsOddFiles() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "alpha\n")
        try f.write("empty.md", "")
        try f.write(Array("bad.md".utf8), [0x66, 0xFF, 0x0A])
        try f.write(Array("tab\tname.md".utf8), Array("x".utf8))
        try f.write(Array("raw".utf8) + [0xE9] + Array(".bin".utf8), [1, 2, 3])
        let d = try f.scan()
        #expect(d.artifact("spec.md")?.contentHashSHA256 == Self.alphaHash && d.artifact("spec.md")?.sizeBytes == 6)
        #expect(d.artifact("empty.md")?.anomaly?.kind == .emptyFile)
        #expect(d.artifact("empty.md")?.contentHashSHA256 == ParityHash.empty)
        #expect(d.artifact("bad.md")?.anomaly?.kind == .invalidFormat)
        #expect(d.artifact("bad.md")?.anomaly?.detail.contains("bad.md") == true)
        #expect(d.artifact("tab\tname.md")?.anomaly?.kind == .unusualName)
        let raw = try #require(d.artifact("raw%E9.bin"))
        #expect(raw.anomaly?.kind == .unusualName && raw.contentHashSHA256 != nil && raw.sizeBytes == 3)
    }

    @Test func nfcAndNfdNamesStayDistinctAndSortByBytes() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("caf\u{E9}.md", "nfc")
        try f.write("cafe\u{301}.md", "nfd")
        let d = try f.scan()
        let names = d.artifacts.filter(\.present).map(\.relativePath).filter { $0.hasPrefix("caf") }
        #expect(names.map { Array($0.utf8) } == [Array("cafe\u{301}.md".utf8), Array("caf\u{E9}.md".utf8)])
        #expect(Set(d.artifacts.map { ByteString($0.key) }).count == d.artifacts.count)
    }

    @Test func symlinksLoopsAndOutsideTargets() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "alpha\n")
        try f.symlink("inside.md", to: "spec.md")
        try f.symlink("outside.md", to: "/etc/hostname")
        try f.symlink("loop-a.md", to: "loop-b.md")
        try f.symlink("loop-b.md", to: "loop-a.md")
        try f.symlink("dangling.md", to: "nowhere.md")
        try f.symlink("up", to: "..")  // directory symlink loop: never traversed
        let d = try f.scan()
        #expect(d.artifact("inside.md")?.contentHashSHA256 == Self.alphaHash)
        #expect(d.artifact("outside.md") == nil)
        #expect(d.anomalies(.symlinkOutsideRoot).map(\.relativePath) == ["outside.md"])
        #expect(Set(d.anomalies(.brokenSymlink).map(\.relativePath)) == ["loop-a.md", "loop-b.md", "dangling.md"])
        #expect(d.anomalies(.brokenSymlink).first { $0.relativePath == "loop-a.md" }?.detail.contains("loop") == true)
        #expect(d.anomalies(.directorySymlink).map(\.relativePath) == ["up"])
    }

    @Test func dotComponentsSkippedAndFifoIsAnomaly() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write(".hidden/x.md", "x")
        try f.write(".DS_Store", "x")
        #expect(mkfifo(f.feature + "/pipe", 0o644) == 0)
        let d = try f.scan()
        #expect(!d.artifacts.contains { $0.relativePath.hasPrefix(".") })
        #expect(d.anomalies(.notRegularFile).map(\.relativePath) == ["pipe"])
    }

    @Test func unreadableFileAndFolderAreAnomalies() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("secret.md", "s")
        try f.write("locked/inner.md", "i")
        try f.write("spec.md", "alpha\n")
        let d: Dossier
        if geteuid() == 0 {
            // Root reads everything regardless of mode bits: inject EACCES at the file-system edge instead.
            let fs = InjectingFileSystem()
            fs.failOpen = ("/secret.md", EACCES)
            fs.failList = ("/locked", EACCES)
            d = try f.scan(fileSystem: fs)
        } else {
            chmod(f.feature + "/secret.md", 0)
            chmod(f.feature + "/locked", 0)
            defer { chmod(f.feature + "/locked", 0o755) }
            d = try f.scan()
        }
        let secret = try #require(d.artifact("secret.md"))
        #expect(secret.anomaly?.kind == .unreadable && secret.contentHashSHA256 == nil)
        #expect(secret.anomaly?.detail.contains("secret.md") == true)
        #expect(d.anomalies(.unreadableDirectory).map(\.relativePath) == ["locked"])
        #expect(d.artifact("spec.md")?.contentHashSHA256 == Self.alphaHash)  // the rest goes on
    }

    @Test func fileDeletedBetweenListingAndHashing() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "alpha\n")
        try f.write("plan.md", "plan")
        let fs = InjectingFileSystem()
        fs.deleteBeforeOpen = "/plan.md"
        let d = try f.scan(fileSystem: fs)
        let plan = try #require(d.artifact("plan.md"))
        #expect(plan.anomaly?.kind == .deletedAfterScan && plan.contentHashSHA256 == nil)
        #expect(d.artifact("spec.md")?.contentHashSHA256 == Self.alphaHash)
    }

    @Test func featureFolderVanishingMidScanIsAnAnomaly() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        let fs = InjectingFileSystem()
        fs.failList = ("/001-test", ENOENT)
        let d = try f.scan(fileSystem: fs)
        #expect(d.anomalies(.unreadableDirectory).count == 1)
        #expect(d.anomalies(.unreadableDirectory)[0].detail.contains("vanished"))
        #expect(d.artifacts.allSatisfy { !$0.present })
    }

    @Test func metaJSONMissingMalformedAndUnknownMission() throws {
        let missing = try ScanFixture(meta: nil)
        defer { missing.remove() }
        let d1 = try missing.scan()
        #expect(
            d1.missionType == "software-dev"
                && d1.anomalies(.invalidMetadata).first?.detail.contains("not found") == true)

        let bad = try ScanFixture(meta: "{ not json")
        defer { bad.remove() }
        let d2 = try bad.scan()
        #expect(d2.anomalies(.invalidMetadata).first?.detail.contains("not valid JSON") == true)
        #expect(d2.artifact("meta.json")?.anomaly?.kind == .invalidFormat)

        let wrongType = try ScanFixture(meta: #"{"mission_type": 3, "current_step": "nope"}"#)
        defer { wrongType.remove() }
        let d3 = try wrongType.scan()
        #expect(d3.anomalies(.invalidMetadata).contains { $0.detail.contains("'mission_type'") })
        #expect(d3.anomalies(.invalidMetadata).contains { $0.detail.contains("unknown step 'nope'") })
        #expect(d3.stepSource == .inferred)

        let unknown = try ScanFixture(meta: #"{"mission_type": "astrology"}"#)
        defer { unknown.remove() }
        try unknown.write("spec.md", "x")
        let d4 = try unknown.scan()
        #expect(
            d4.currentStep == nil && d4.stepSource == .none
                && SnapshotBuilder.snapshot(of: d4).completeness == .unknown)
        #expect(d4.artifacts.allSatisfy { $0.requiredStatus == .optional })
    }

    @Test func stepFromFlagAndCumulativeRequirements() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "s")
        try f.write("plan.md", "p")
        let inferred = try f.scan()
        #expect(inferred.currentStep == "plan" && inferred.stepSource == .inferred)
        #expect(SnapshotBuilder.snapshot(of: inferred).completeness == .complete)
        let later = try f.scan(step: "tasks_packages")
        #expect(later.artifacts.filter { !$0.present }.map(\.key) == ["tasks", "work_package"])
        #expect(SnapshotBuilder.snapshot(of: later).counts.requiredMissing == 2)
        #expect(
            throws: ScanError.unknownStep(
                step: "bogus", missionType: "software-dev",
                validSteps: [
                    "discovery", "specify", "plan", "tasks_outline", "tasks_packages", "tasks_finalize", "implement",
                    "review", "done",
                ])
        ) { try f.scan(step: "bogus") }
    }

    @Test func badPathsAreTypedErrors() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        try f.write("spec.md", "x")
        #expect(throws: ScanError.notADirectory(path: f.feature + "/spec.md")) {
            try Scanner().scan(ScanRequest(path: f.feature + "/spec.md"))
        }
        #expect(throws: ScanError.notFound(path: f.root + "/nope")) {
            try Scanner().scan(ScanRequest(path: f.root + "/nope"))
        }
        #expect(ScanError.notADirectory(path: "/x/spec.md").description.contains("/x/spec.md: not a directory"))
    }

    @Test func repositoryRootScansEveryFeatureInByteOrder() throws {
        let f = try ScanFixture(slug: "010-b")
        defer { f.remove() }
        for slug in ["002-a", "001-Z", "parity-fix-01KXYXVP"] {
            try FileManager.default.createDirectory(
                atPath: f.root + "/kitty-specs/" + slug, withIntermediateDirectories: true)
        }
        let fromRoot = try Scanner().scan(ScanRequest(path: f.root))
        #expect(fromRoot.dossiers.map(\.featureSlug) == ["001-Z", "002-a", "010-b", "parity-fix-01KXYXVP"])
        #expect(fromRoot.repositoryRoot == RepositoryLocator.canonical(f.root))
        let fromSpecs = try Scanner().scan(ScanRequest(path: f.root + "/kitty-specs"))
        #expect(fromSpecs.dossiers.map(\.featureSlug) == ["001-Z", "002-a", "010-b", "parity-fix-01KXYXVP"])
        #expect(RepositoryLocator.root(for: f.feature) == RepositoryLocator.canonical(f.root))
    }

    @Test func progressIsReportedPerFile() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        for i in 0..<5 { try f.write("n\(i).md", "x") }
        let seen = Mutex<[ScanProgress]>([])
        _ = try Scanner().scan(ScanRequest(path: f.feature)) { p in seen.withLock { $0.append(p) } }
        let all = seen.withLock { $0 }
        #expect(all.map(\.filesDone) == [1, 2, 3, 4, 5, 6, 6])
        #expect(all.map(\.featuresDone) == [0, 0, 0, 0, 0, 0, 1])
        #expect(all.allSatisfy { $0.featuresTotal == 1 && $0.featureSlug == "001-test" })
    }

    @Test func stateDirectoryResolution() {
        #expect(
            StateDirectory.resolve(explicit: "/s", environment: ["DOSSIER_STATE_DIR": "/e"], repositoryRoot: "/r")
                == "/s")
        #expect(
            StateDirectory.resolve(explicit: nil, environment: ["DOSSIER_STATE_DIR": "/e"], repositoryRoot: "/r")
                == "/e")
        #expect(
            StateDirectory.resolve(explicit: nil, environment: ["DOSSIER_STATE_DIR": ""], repositoryRoot: "/r")
                == "/r/.dossier")
    }

    /// A 2 GiB sparse file is hashed right through the streaming path (its memory bound: ScanMemoryTests, real binary).
    @Test func twoGigabyteFileIsHashedByStreaming() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        let path = f.feature + "/big.bin"
        let fd = open(path, O_WRONLY | O_CREAT, 0o644)
        #expect(fd >= 0)
        #expect(ftruncate(fd, 2 << 30) == 0)
        close(fd)
        let d = try f.scan()
        // head -c 2147483648 /dev/zero | sha256sum
        #expect(
            d.artifact("big.bin")?.contentHashSHA256
                == "a7c744c13cc101ed66c29f672f92455547889cc586ce6d44fe76ae824958ea51")
        #expect(d.artifact("big.bin")?.sizeBytes == 2 << 30)
        // Bounded memory is measured on the real binary alone (ScanMemoryTests): this process's peak RSS also holds
        // every other test running in parallel.
    }
}
