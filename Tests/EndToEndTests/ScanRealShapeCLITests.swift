import Foundation
import TestSupport
import Testing

/// `dossier scan` on a repository of the real shape (scripts/make-corpus.sh): both namings, the skipped list, the
/// stat cache across processes and `--rehash`, through the real binary.
@Suite struct ScanRealShapeCLITests {
    static func corpus(_ tag: String, features: Int) async throws -> String {
        let dir = try BinaryRunner.tempDirectory(tag) + "/repo"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [BinaryRunner.repositoryRoot + "/scripts/make-corpus.sh", dir, "--features", "\(features)"]
        try p.run()
        await p.exited()
        #expect(p.terminationStatus == 0)
        return dir
    }

    static func json(_ run: BinaryRunner.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
    }

    @Test func everyFeatureOfBothNamingsAndTheSkippedList() async throws {
        let repo = try await Self.corpus("real-shape", features: 10)
        let run = try await BinaryRunner.run(["scan", repo, "--json", "--no-emit"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let doc = try Self.json(run)
        let slugs = try #require((doc["features"] as? [[String: Any]])?.compactMap { $0["feature_slug"] as? String })
        #expect(slugs.count == 10)
        #expect(slugs.filter { $0.first?.isNumber == true }.count == 5)
        #expect(slugs.filter { $0.range(of: #"-01K[0-9A-Z]{5}$"#, options: .regularExpression) != nil }.count == 5)
        let skipped = try #require(doc["skipped"] as? [[String: String]])
        #expect(skipped.map { $0["name"] ?? "" } == [".archive", "README.md"])
        #expect(skipped.map { $0["reason"] ?? "" } == ["hidden", "not_a_directory"])

        let table = try await BinaryRunner.run(["scan", repo, "--no-emit"])
        #expect(table.exitCode == 0)
        #expect(table.stdoutText.contains("skipped 2 in kitty-specs/: .archive (hidden), README.md (not a directory)"))
        #expect(table.stdoutText.components(separatedBy: "\nfeature  ").count == 10)
        #expect(table.stdoutText.contains("\nscanned 10 features ("))
    }

    @Test func secondProcessTrustsTheCacheAndRehashReadsAll() async throws {
        let repo = try await Self.corpus("real-shape-cache", features: 4)
        // A file changed within 2 s of a scan is never trusted from the cache (racy timestamps); ctime cannot be
        // set back, so let the fresh corpus age past that window once.
        try await Task.sleep(for: .milliseconds(2200))
        let first = try Self.json(try await BinaryRunner.run(["scan", repo, "--json", "--no-emit"]))
        let firstStats = try #require((first["volatile"] as? [String: Any])?["stat_cache"] as? [String: Any])
        #expect(firstStats["status"] as? String == "missing" && firstStats["files_from_cache"] as? Int == 0)
        let second = try await BinaryRunner.run(["scan", repo, "--json", "--no-emit"])
        let third = try await BinaryRunner.run(["scan", repo, "--json", "--no-emit"])
        let stats = try #require((try Self.json(third)["volatile"] as? [String: Any])?["stat_cache"] as? [String: Any])
        #expect(stats["status"] as? String == "used" && stats["files_hashed"] as? Int == 0, "\(stats)")
        #expect((stats["files_from_cache"] as? Int ?? 0) > 50)
        #expect(try ScanCLITests.stable(second.stdout) == ScanCLITests.stable(third.stdout))

        let rehash = try await BinaryRunner.run(["scan", repo, "--json", "--no-emit", "--rehash"])
        let r = try #require((try Self.json(rehash)["volatile"] as? [String: Any])?["stat_cache"] as? [String: Any])
        #expect(r["status"] as? String == "rehash" && r["files_from_cache"] as? Int == 0)
        #expect(try ScanCLITests.stable(rehash.stdout) == ScanCLITests.stable(third.stdout))
    }
}
