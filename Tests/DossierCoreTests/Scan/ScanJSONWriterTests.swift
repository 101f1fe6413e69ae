import Foundation
import Testing

@testable import DossierCore

/// `ScanJSON.encode` writes member by member; the reference below builds the whole tree of values and renders it
/// (the way the document was written before), with `JSONEncoder` escaping the strings. Both must give the same bytes.
@Suite struct ScanJSONWriterTests {
    @Test func writerMatchesTheValueTreeOnAScanWithDriftAnomaliesAndEscapes() async throws {
        let root = try await ParallelScanTests.makeCorpus(features: 8)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let specs = root + "/kitty-specs"
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: specs).filter {
            !$0.hasPrefix(".") && $0 != "README.md" }.sorted().first)
        // Names that need JSON escapes and %XX spellings, an empty file, invalid UTF-8 content.
        for (name, bytes) in [("quote\"back\\slash.md", [UInt8(ascii: "x")]), ("tab\there.md", []),
                              ("nl\nline.json", [0xFF, 0xFE])] as [(String, [UInt8])] {
            #expect(FileManager.default.createFile(atPath: specs + "/" + first + "/" + name, contents: Data(bytes)))
        }
        #expect(FileManager.default.createFile(
            atPath: specs + "/" + first + "/raw\u{1}" + String(decoding: [0x25, 0x46, 0x46], as: UTF8.self) + ".md",
            contents: Data("y".utf8)))
        let state = root + "/state"
        // Baselines for every feature, then a change: drift with changed, added and removed keys.
        let before = try ScanPipeline.run(ScanRequest(path: root), explicitStateDirectory: state)
        let store = BaselineStore(stateDirectory: state)
        for f in before.features {
            try store.save(
                BaselineStore.baseline(from: f.dossier, snapshot: f.snapshot, acceptedAt: "t", source: "local"))
        }
        let changed = try #require(
            before.features.first?.dossier.artifacts.first { $0.present && $0.sizeBytes ?? 0 > 0 })
        try Data("changed\n".utf8).write(to: URL(fileURLWithPath: specs + "/" + first + "/" + changed.relativePath))
        #expect(
            FileManager.default.createFile(atPath: specs + "/" + first + "/added.md", contents: Data("a".utf8)))
        let removed = try #require(before.features.last?.dossier.artifacts.last { $0.present })
        let lastSlug = try #require(before.features.last?.dossier.featureSlug)
        try FileManager.default.removeItem(atPath: specs + "/" + lastSlug + "/" + removed.relativePath)

        let result = try ScanPipeline.run(ScanRequest(path: root), explicitStateDirectory: state)
        #expect(result.features.contains { $0.drift?.hasDrift == true && !($0.drift?.changed.isEmpty ?? true) })
        #expect(result.features.contains { !($0.drift?.missingInLocal.isEmpty ?? true) })
        #expect(result.features.contains { !$0.dossier.anomalies.isEmpty })
        #expect(!result.skipped.isEmpty)
        let written = [UInt8](ScanJSON.encode(result, scannedAt: "2026-12-01T00:00:00.000Z", durationMS: 1234))
        let reference = ScanJSONTree.encode(result, scannedAt: "2026-12-01T00:00:00.000Z", durationMS: 1234)
        #expect(written == reference)
        #expect(String(decoding: written, as: UTF8.self).contains(#"quote\"back\\slash.md"#))
        // Negative and large integers render as the tree renders them.
        var w = JSONByteWriter(capacity: 64)
        w.openArray()
        for i: Int64 in [0, -1, 7, -9_223_372_036_854_775_808, 9_223_372_036_854_775_807, 1_000_000] {
            w.element()
            w.int(i)
        }
        w.closeArray()
        var tree: [UInt8] = []
        ScanJSONTree.write(
            .array([0, -1, 7, Int64.min, Int64.max, 1_000_000].map { .int($0) }), indent: 0, into: &tree)
        #expect(w.bytes == tree)
    }
}

/// The tree-building reference encoder.
private enum ScanJSONTree {
    /// A JSON value; objects are written with keys sorted by UTF-8 bytes.
    indirect enum Value {
        case null
        case bool(Bool)
        case int(Int64)
        case string(String)
        case array([Value])
        case object([(String, Value)])

        static func str(_ s: String?) -> Value { s.map { .string($0) } ?? .null }
        static func int(_ i: Int?) -> Value { i.map { .int(Int64($0)) } ?? .null }
    }

    static func write(_ value: Value, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): out += jsonString(s)
        case .array(let items):
            guard !items.isEmpty else {
                out.append(contentsOf: [0x5B, 0x5D])
                return
            }
            out.append(0x5B)
            for (n, item) in items.enumerated() {
                if n > 0 { out.append(0x2C) }
                out.append(0x0A)
                out.append(contentsOf: repeatElement(0x20, count: indent + 2))
                write(item, indent: indent + 2, into: &out)
            }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent))
            out.append(0x5D)
        case .object(let fields):
            guard !fields.isEmpty else {
                out.append(contentsOf: [0x7B, 0x7D])
                return
            }
            let inOrder = zip(fields, fields.dropFirst()).allSatisfy { pair in
                pair.0.0.utf8.lexicographicallyPrecedes(pair.1.0.utf8)
            }
            let sorted = inOrder ? fields : fields.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            out.append(0x7B)
            for (n, field) in sorted.enumerated() {
                if n > 0 { out.append(0x2C) }
                out.append(0x0A)
                out.append(contentsOf: repeatElement(0x20, count: indent + 2))
                out += jsonString(field.0)
                out.append(contentsOf: [0x3A, 0x20])
                write(field.1, indent: indent + 2, into: &out)
            }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent))
            out.append(0x7D)
        }
    }

    /// A string as `JSONEncoder` writes it (an escaper independent of the package's own).
    static func jsonString(_ s: String) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return [UInt8]((try? encoder.encode(s)) ?? Data())
    }

    static func encode(_ result: PipelineResult, scannedAt: String, durationMS: Int) -> [UInt8] {
        let features: [Value] = result.features.map(feature)
        let dirs: [(String, Value)] = result.features.map {
            ($0.dossier.featureSlug, .string($0.dossier.featureDirectory))
        }
        let skipped: [Value] = result.skipped.map { s in
            .object([("name", .string(s.name)), ("reason", .string(s.reason.rawValue)), ("detail", .string(s.detail))])
        }
        let doc: Value = .object([
            ("format_version", .int(ScanJSON.formatVersion)),
            ("features", .array(features)),
            ("skipped", .array(skipped)),
            ("volatile", .object([
                ("scanned_at", .string(scannedAt)),
                ("duration_ms", .int(durationMS)),
                ("repository_root", .string(result.repositoryRoot)),
                ("state_directory", .string(result.stateDirectory)),
                ("feature_directories", .object(dirs)),
                ("stat_cache", .object([
                    ("status", .string(result.statCache.description)),
                    ("files_hashed", .int(result.statistics.filesHashed)),
                    ("files_from_cache", .int(result.statistics.filesFromCache)),
                ])),
            ])),
        ])
        var out: [UInt8] = []
        out.reserveCapacity(1024 + result.features.reduce(0) { $0 + $1.dossier.artifacts.count * 600 })
        write(doc, indent: 0, into: &out)
        out.append(0x0A)
        return out
    }

    static func drift(_ r: DriftReport) -> Value {
        .object([
            ("feature_slug", .string(r.featureSlug)),
            ("local_parity_hash", .string(r.localParityHash)),
            ("baseline_parity_hash", .string(r.baselineParityHash)),
            ("missing_in_local", .array(r.missingInLocal.map { .string($0) })),
            ("missing_in_baseline", .array(r.missingInBaseline.map { .string($0) })),
            ("changed", .array(r.changed.map { c in
                .object([("key", .string(c.key)), ("relative_path", .string(c.relativePath)),
                         ("baseline_hash", .string(c.baselineHash)), ("local_hash", .string(c.localHash))])
            })),
            ("severity", .string(r.severity.rawValue)),
            ("has_drift", .bool(r.hasDrift)),
        ])
    }

    static func feature(_ f: FeatureOutcome) -> Value {
        let d = f.dossier, s = f.snapshot, c = s.counts
        return .object([
            ("feature_slug", .string(d.featureSlug)),
            ("mission_type", .string(d.missionType)),
            ("current_step", .str(d.currentStep)),
            ("step_source", .string(d.stepSource.rawValue)),
            ("completeness", .string(s.completeness.rawValue)),
            ("parity_hash_sha256", .string(s.parityHashSHA256)),
            ("snapshot_id", .string(s.snapshotID)),
            ("counts", .object([
                ("total", .int(c.total)), ("required", .int(c.required)), ("required_present", .int(c.requiredPresent)),
                ("required_missing", .int(c.requiredMissing)), ("optional", .int(c.optional)),
                ("optional_present", .int(c.optionalPresent)),
            ])),
            ("artifacts", .array(d.artifacts.map(artifact))),
            ("anomalies", .array(d.anomalies.map(anomaly))),
            ("baseline_parity_hash_sha256", .str(f.baseline?.parityHashSHA256)),
            ("drift", f.drift.map(drift) ?? .null),
        ])
    }

    static func artifact(_ a: Artifact) -> Value {
        // Fields in byte order already, so the writer does not sort them (10,000 artifacts on a real repository).
        .object([
            ("anomaly", .str(a.anomaly?.kind.rawValue)),
            ("anomaly_detail", .str(a.anomaly?.detail)),
            ("class", .string(a.artifactClass.rawValue)),
            ("content_hash_sha256", .str(a.contentHashSHA256)),
            ("key", .string(a.key)),
            ("path_pattern", .str(a.pathPattern)),
            ("present", .bool(a.present)),
            ("relative_path", .string(a.relativePath)),
            ("required_status", .string(a.requiredStatus.rawValue)),
            ("size_bytes", a.sizeBytes.map { .int($0) } ?? .null),
            ("step_id", .str(a.stepID)),
            ("wp_id", .str(a.wpID)),
        ])
    }

    static func anomaly(_ a: Anomaly) -> Value {
        .object([("detail", .string(a.detail)), ("kind", .string(a.kind.rawValue)),
                 ("relative_path", .string(a.relativePath))])
    }
}
