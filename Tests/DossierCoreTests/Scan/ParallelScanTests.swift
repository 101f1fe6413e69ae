import Foundation
import TestSupport
import Testing

@testable import DossierCore

/// Hashing on many threads gives the same document, byte for byte, as one thread: on the synthetic corpus (many
/// features: one feature per worker) and on one wide feature (the files of a folder spread over the workers).
@Suite struct ParallelScanTests {
    /// `scripts/make-corpus.sh OUT --features N --seed S` into a fresh temp folder; returns the repository root.
    static func makeCorpus(features: Int, seed: Int = 1) async throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [
            ManifestTests.repoRoot + "/scripts/make-corpus.sh", out, "--features", "\(features)",
            "--seed", "\(seed)",
        ]
        try p.run()
        await p.exited()
        #expect(p.terminationStatus == 0)
        return out
    }

    /// The `--json` document without `volatile` (which holds the state directory and cache statistics).
    static func document(_ path: String, workers: Int, state: String) throws -> String {
        var result = try ScanPipeline.run(
            ScanRequest(path: path), explicitStateDirectory: state, scanner: Scanner(workers: workers))
        result.statistics = ScanStatistics()
        result.statCache = .missing
        let text = String(decoding: ScanJSON.encode(result, scannedAt: "-", durationMS: 0), as: UTF8.self)
        // Keys are sorted: `volatile` (paths, time, cache use) is the last one.
        let volatile = try #require(text.range(of: "\n  \"volatile\": {"))
        return String(text[..<volatile.lowerBound])
    }

    @Test func syntheticCorpusParallelEqualsSerial() async throws {
        let root = try await Self.makeCorpus(features: 24)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let serial = try Self.document(root, workers: 1, state: root + "/s1")
        let parallel = try Self.document(root, workers: 4, state: root + "/s4")
        #expect(serial == parallel)
        #expect(serial.contains("\"feature_slug\": \"001-"))
        #expect(serial.contains("\"reason\": \"hidden\"") && serial.contains("\"reason\": \"not_a_directory\""))
        // The corpus has both namings, half each.
        let result = try Scanner().scan(ScanRequest(path: root))
        let older = result.dossiers.filter { $0.featureSlug.first?.isNumber == true }.count
        #expect(result.dossiers.count == 24 && older == 12)
        #expect(result.skipped.map(\.name) == [".archive", "README.md"])
    }

    @Test func oneWideFeatureParallelEqualsSerial() throws {
        let f = try ScanFixture()
        defer { f.remove() }
        for i in 0..<300 {
            try f.write("notes/n\(i).md", String(repeating: "line \(i) ✓\n", count: i % 40 + 1))
        }
        try f.write(Array("notes/odd".utf8) + [0xFF] + Array(".md".utf8), [0xFF])
        let serial = try Self.document(f.feature, workers: 1, state: f.root + "/s1")
        let parallel = try Self.document(f.feature, workers: 8, state: f.root + "/s8")
        #expect(serial == parallel)
    }

    @Test func generatorIsDeterministicPerSeed() async throws {
        let a = try await Self.makeCorpus(features: 6, seed: 7)
        let b = try await Self.makeCorpus(features: 6, seed: 7)
        let c = try await Self.makeCorpus(features: 6, seed: 8)
        defer { for p in [a, b, c] { try? FileManager.default.removeItem(atPath: p) } }
        let da = try Self.document(a, workers: 2, state: a + "/s")
        let db = try Self.document(b, workers: 2, state: b + "/s")
        let dc = try Self.document(c, workers: 2, state: c + "/s")
        #expect(da == db && da != dc)
    }
}
