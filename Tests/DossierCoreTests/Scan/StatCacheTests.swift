import Foundation
import TestSupport
import Testing

@testable import DossierCore

#if canImport(Glibc)
    import Glibc
#endif

/// The incremental scan: unchanged files are not read, and every way a file can change under an unchanged-looking
/// `stat` still gives the right hash. A wrong hash from the cache is the one unacceptable outcome.
@Suite struct StatCacheTests {
    /// Files look an hour old to this clock, so the racy rule does not get in the way of caching them.
    static let later = ShiftedClock(offset: 3600)

    struct Repo {
        let fixture: ScanFixture
        var state: String { fixture.root + "/state" }
        var spec: String { fixture.feature + "/spec.md" }

        init() throws {
            fixture = try ScanFixture()
            try fixture.write("spec.md", "alpha\n")
            try fixture.write("tasks/WP01-a.md", "one")
        }

        func scan(
            clock: any ScanClock = StatCacheTests.later, fileSystem: any ScanFileSystem = PosixFileSystem(),
            rehash: Bool = false, path: String? = nil, state: String? = nil
        ) throws -> PipelineResult {
            try ScanPipeline.run(
                ScanRequest(path: path ?? fixture.root, rehash: rehash), explicitStateDirectory: state ?? self.state,
                scanner: Scanner(fileSystem: fileSystem, clock: clock))
        }

        func hash(_ r: PipelineResult, _ path: String = "spec.md") -> String? {
            r.features[0].dossier.artifact(path)?.contentHashSHA256
        }
    }

    static func sha(_ s: String) -> String { StreamingHasher.sha256Hex(Array(s.utf8)) }

    static func modificationTime(_ path: String) -> timespec {
        var st = stat()
        stat(path, &st)
        return st.st_mtim
    }

    static func setModificationTime(_ path: String, _ t: timespec) {
        var times = [timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2), t]  // UTIME_OMIT for the access time
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    static func rewrite(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    @Test func warmScanReadsNothingAndGivesTheSameDocument() throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        let cold = try repo.scan()
        #expect(cold.statistics.filesHashed == 3 && cold.statistics.filesFromCache == 0 && cold.statCache == .missing)
        let fs = InjectingFileSystem()
        let warm = try repo.scan(fileSystem: fs)
        #expect(warm.statistics.filesHashed == 0 && warm.statistics.filesFromCache == 3 && warm.statCache == .used)
        #expect(fs.filesOpened == 1)  // meta.json, read for the mission type
        #expect(warm.features == cold.features)
    }

    /// On the synthetic corpus of the real shape: a warm rescan (every file trusted from the cache, on the
    /// allocation-free classification and streaming writer) gives the same `--json` bytes as the cold scan and as
    /// `--rehash`, on one worker and on several.
    @Test func warmRescanOfTheSyntheticCorpusEqualsColdAndRehashByteForByte() async throws {
        let root = try await ParallelScanTests.makeCorpus(features: 30, seed: 3)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let state = root + "/state"
        func document(rehash: Bool, workers: Int) throws -> (String, PipelineResult) {
            var result = try ScanPipeline.run(
                ScanRequest(path: root, rehash: rehash), explicitStateDirectory: state,
                scanner: Scanner(workers: workers, clock: Self.later))
            let copy = result
            result.statistics = ScanStatistics()
            result.statCache = .missing
            return (String(decoding: ScanJSON.encode(result, scannedAt: "-", durationMS: 0), as: UTF8.self), copy)
        }
        let (cold, coldResult) = try document(rehash: false, workers: 2)
        #expect(coldResult.statistics.filesFromCache == 0 && coldResult.statistics.filesHashed > 100)
        let (warm, warmResult) = try document(rehash: false, workers: 2)
        #expect(warmResult.statistics.filesHashed == 0)
        #expect(warmResult.statistics.filesFromCache == coldResult.statistics.filesHashed)
        let (warmSerial, _) = try document(rehash: false, workers: 1)
        let (rehash, rehashResult) = try document(rehash: true, workers: 2)
        #expect(rehashResult.statCache == .rehash(mismatches: 0))
        #expect(rehashResult.statistics.filesHashed == coldResult.statistics.filesHashed)
        #expect(warm == cold)
        #expect(warmSerial == cold)
        #expect(rehash == cold)
    }

    @Test func sameSizeEditWithinTheSameSecondOnCoarseTimestamps() throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        let coarse = InjectingFileSystem()
        coarse.coarseTimestamps = true
        // Real clock: the file was written this second, so its entry is racy and must not be trusted later.
        let first = try repo.scan(clock: SystemScanClock(), fileSystem: coarse)
        #expect(repo.hash(first) == Self.sha("alpha\n"))
        try Self.rewrite(repo.spec, "bravo\n")  // same size, same inode, same second: same coarse stat
        let second = try repo.scan(clock: SystemScanClock(), fileSystem: coarse)
        #expect(repo.hash(second) == Self.sha("bravo\n"))
        let third = try repo.scan(clock: Self.later, fileSystem: coarse)
        #expect(repo.hash(third) == Self.sha("bravo\n"))
    }

    @Test func touchBackToTheOldMtimeIsStillSeen() throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        let mtime = Self.modificationTime(repo.spec)
        _ = try repo.scan()
        try Self.rewrite(repo.spec, "bravo\n")
        Self.setModificationTime(repo.spec, mtime)  // `touch -d` back: ctime still moves
        let after = try repo.scan()
        #expect(repo.hash(after) == Self.sha("bravo\n") && after.statistics.filesHashed == 1)
    }

    @Test func renameOverKeepsNoStaleHash() throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        let mtime = Self.modificationTime(repo.spec)
        _ = try repo.scan()
        let other = repo.fixture.feature + "/other.tmp"
        try "bravo\n".write(toFile: other, atomically: false, encoding: .utf8)
        Self.setModificationTime(other, mtime)
        #expect(rename(other, repo.spec) == 0)
        #expect(repo.hash(try repo.scan()) == Self.sha("bravo\n"))
    }

    @Test func inodeReuseKeepsNoStaleHash() throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        let mtime = Self.modificationTime(repo.spec)
        _ = try repo.scan()
        #expect(unlink(repo.spec) == 0)
        try "bravo\n".write(toFile: repo.spec, atomically: false, encoding: .utf8)  // often the same inode again
        Self.setModificationTime(repo.spec, mtime)
        #expect(repo.hash(try repo.scan()) == Self.sha("bravo\n"))
    }

    @Test(arguments: ["flip", "truncate", "garbage", "version", "empty"])
    func corruptCacheMeansAFullHash(_ damage: String) throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        _ = try repo.scan()
        let path = StatCacheStore(stateDirectory: repo.state).path
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        switch damage {
        case "flip": bytes[bytes.count / 2] ^= 0x40
        case "truncate": bytes.removeLast(40)
        case "garbage": bytes = Array("not a cache at all".utf8)
        case "version": bytes[StatCacheCodec.magic.count] = 99
        default: bytes = []
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try Self.rewrite(repo.spec, "bravo\n")
        let after = try repo.scan()
        #expect(repo.hash(after) == Self.sha("bravo\n"))
        #expect(after.statistics.filesFromCache == 0 && after.statistics.filesHashed == 3)
        guard case .ignored(let why) = after.statCache else {
            Issue.record("expected the damaged cache to be ignored, got \(after.statCache)")
            return
        }
        #expect(why.contains(path))
        #expect(try repo.scan().statistics.filesFromCache == 3)  // rewritten whole
    }

    @Test func cacheOfAnotherCopyOfTheRepositoryIsNotUsed() async throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        _ = try repo.scan()
        let copy = repo.fixture.root + "-copy"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let cp = Process()
        cp.executableURL = URL(fileURLWithPath: "/bin/cp")
        cp.arguments = ["-a", repo.fixture.root, copy]  // timestamps kept, state directory included
        try cp.run()
        await cp.exited()
        try Self.rewrite(copy + "/kitty-specs/001-test/spec.md", "bravo\n")
        Self.setModificationTime(copy + "/kitty-specs/001-test/spec.md", Self.modificationTime(repo.spec))
        // The same (copied) state directory, or the original's through an explicit state dir: neither is trusted.
        for state in [copy + "/state", repo.state] {
            let result = try repo.scan(path: copy, state: state)
            #expect(repo.hash(result) == Self.sha("bravo\n"))
            #expect(result.statistics.filesFromCache == 0)
        }
    }

    @Test func rehashReadsEverythingAndReportsWrongEntries() throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        _ = try repo.scan()
        // Tamper with the cache on purpose (as a disk error or a bug would): only --rehash can tell.
        let store = StatCacheStore(stateDirectory: repo.state)
        var (cache, _) = store.load(repositoryRoot: Array(RepositoryLocator.canonical(repo.fixture.root).utf8))
        let key = PathKey(Array(RepositoryLocator.canonical(repo.spec).utf8))
        cache?.entries[key]?.sha256 = String(repeating: "0", count: 64)
        _ = store.save(try #require(cache))
        let checked = try repo.scan(rehash: true)
        #expect(repo.hash(checked) == Self.sha("alpha\n"))
        #expect(checked.statCache == .rehash(mismatches: 1) && checked.statistics.filesHashed == 3)
        #expect(try repo.scan().statistics.filesFromCache == 3)
        #expect(repo.hash(try repo.scan()) == Self.sha("alpha\n"))
    }

    @Test func scanningOneFeatureKeepsTheOthersEntries() throws {
        let repo = try Repo()
        defer { repo.fixture.remove() }
        try repo.fixture.mkdir("kitty-specs/second-01KDDDDD")
        let second = repo.fixture.root + "/kitty-specs/second-01KDDDDD/spec.md"
        try "b".write(toFile: second, atomically: false, encoding: .utf8)
        _ = try repo.scan()
        let one = try repo.scan(path: repo.fixture.feature)
        #expect(one.statistics.filesFromCache == 3)
        let all = try repo.scan()
        #expect(all.statistics.filesFromCache == 4 && all.statistics.filesHashed == 0)
    }

    @Test func codecRoundTripsAndIsDeterministic() throws {
        let status = FileStatus(
            device: 1, inode: 2, size: 3, modified: FileTime(seconds: -4, nanoseconds: 5),
            changed: FileTime(seconds: 6, nanoseconds: 999_999_999), mode: 0o100644)
        let cache = StatCache(
            repositoryRoot: Array("/r".utf8) + [0xFF], scanStarted: FileTime(seconds: 7, nanoseconds: 8),
            entries: [
                PathKey(Array("/r/b".utf8)): StatCacheEntry(status: status, sha256: Self.sha("b"), utf8: .valid),
                PathKey(Array("/r/a".utf8)): StatCacheEntry(status: status, sha256: Self.sha("a"), utf8: .notChecked),
            ])
        let bytes = StatCacheCodec.encode(cache)
        #expect(try StatCacheCodec.decode(bytes).get() == cache)
        #expect(StatCacheCodec.encode(try StatCacheCodec.decode(bytes).get()) == bytes)
        for cut in [0, 5, 20, bytes.count - 1] {
            #expect(throws: StatCacheCodec.DecodeError.self) { try StatCacheCodec.decode(Array(bytes[..<cut])).get() }
        }
    }
}
