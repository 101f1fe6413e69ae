import Foundation

/// The stable `dossier scan --json` document (docs/scan-json.md). Written by hand rather than by `JSONEncoder`: keys
/// sorted by UTF-8 bytes, two-space indentation, every documented field present (null when absent), and about five
/// times faster on 1,000 artifacts. Every list is in byte order of its path or key; everything that varies with time
/// or location sits under `volatile`.
public enum ScanJSON {
    /// Version of this document's shape; bumped on any incompatible change.
    public static let formatVersion = 1

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

    /// Encodes a pipeline result. `scannedAt` is RFC 3339 UTC; `durationMS` the wall time of the scan.
    public static func encode(_ result: PipelineResult, scannedAt: String, durationMS: Int) -> Data {
        let features: [Value] = result.features.map(feature)
        let dirs: [(String, Value)] = result.features.map { ($0.dossier.featureSlug, .string($0.dossier.featureDirectory)) }
        let skipped: [Value] = result.skipped.map { s in
            .object([("name", .string(s.name)), ("reason", .string(s.reason.rawValue)), ("detail", .string(s.detail))])
        }
        let doc: Value = .object([
            ("format_version", .int(formatVersion)),
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
        return Data(out)
    }

    /// The JSON of one drift report (same fields as `DriftReport`'s `Codable` form).
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
            ("step_source", .string(d.stepSource)),
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

    static func write(_ value: Value, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .string(let s): writeString(s, into: &out)
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
                writeString(field.0, into: &out)
                out.append(contentsOf: [0x3A, 0x20])
                write(field.1, indent: indent + 2, into: &out)
            }
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: indent))
            out.append(0x7D)
        }
    }

    /// RFC 8259 string: `"` and `\` escaped, control characters as `\n \t \r \b \f` or `\u00XX`, the rest raw UTF-8.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        // Fast path: nothing to escape (the common case for paths, keys and hashes).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(contentsOf: s.utf8)
            out.append(0x22)
            return
        }
        let hex = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x08: out += [0x5C, UInt8(ascii: "b")]
            case 0x0C: out += [0x5C, UInt8(ascii: "f")]
            case 0x00..<0x20: out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// RFC 3339 UTC with `Z` and milliseconds, independent of locale and time zone.
    public static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
