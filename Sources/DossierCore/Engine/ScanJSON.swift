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
        var out = Data()
        write(result, scannedAt: scannedAt, durationMS: durationMS) { out.append(contentsOf: $0) }
        return out
    }

    /// Writes the document of `encode` to `sink` in pieces of at most about 256 KiB, so the whole document is never
    /// held twice (the command streams it to stdout). Written member by member in key order (no tree of values:
    /// 10,000 artifacts on a real repository), in exactly the layout `write(_:indent:into:)` gives a `Value`.
    public static func write(
        _ result: PipelineResult, scannedAt: String, durationMS: Int, to sink: (UnsafeRawBufferPointer) -> Void
    ) {
        var w = JSONByteWriter(capacity: 4096)
        var pending: [UInt8] = []
        func emit(_ bytes: [UInt8]) {
            pending.append(contentsOf: bytes)
            if pending.count >= 256 << 10 {
                pending.withUnsafeBytes(sink)
                pending.removeAll(keepingCapacity: true)
            }
        }
        w.openObject()
        // Features are written on all cores, each into its own buffer at its depth, then joined in order.
        let features = result.features
        let fragments = ParallelWork.map(features.count, workers: ParallelWork.defaultWorkers) { i in
            var fragment = JSONByteWriter(capacity: 1024 + features[i].dossier.artifacts.count * 640, depth: 2)
            feature(features[i], into: &fragment)
            return fragment.bytes
        }
        w.key("features")
        w.openArray()
        for fragment in fragments {
            w.element()
            emit(w.takeBytes())
            emit(fragment)
        }
        w.closeArray()
        w.key("format_version")
        w.int(formatVersion)
        w.key("skipped")
        w.openArray()
        for s in result.skipped {
            w.element()
            w.openObject()
            w.key("detail")
            w.string(s.detail)
            w.key("name")
            w.string(s.name)
            w.key("reason")
            w.string(s.reason.rawValue)
            w.closeObject()
        }
        w.closeArray()
        w.key("volatile")
        w.openObject()
        w.key("duration_ms")
        w.int(durationMS)
        w.key("feature_directories")
        w.openObject()
        var dirs = result.features.map { ($0.dossier.featureSlug, $0.dossier.featureDirectory) }
        let inOrder = zip(dirs, dirs.dropFirst()).allSatisfy { $0.0.0.utf8.lexicographicallyPrecedes($0.1.0.utf8) }
        if !inOrder { dirs = dirs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) } }
        for (slug, directory) in dirs {
            w.dynamicKey(slug)
            w.string(directory)
        }
        w.closeObject()
        w.key("repository_root")
        w.string(result.repositoryRoot)
        w.key("scanned_at")
        w.string(scannedAt)
        w.key("stat_cache")
        w.openObject()
        w.key("files_from_cache")
        w.int(result.statistics.filesFromCache)
        w.key("files_hashed")
        w.int(result.statistics.filesHashed)
        w.key("status")
        w.string(result.statCache.description)
        w.closeObject()
        w.key("state_directory")
        w.string(result.stateDirectory)
        w.closeObject()
        w.closeObject()
        var tail = w.takeBytes()
        tail.append(0x0A)
        emit(tail)
        if !pending.isEmpty { pending.withUnsafeBytes(sink) }
    }

    private static func feature(_ f: FeatureOutcome, into w: inout JSONByteWriter) {
        let d = f.dossier, s = f.snapshot, c = s.counts
        w.openObject()
        w.key("anomalies")
        w.openArray()
        for a in d.anomalies {
            w.element()
            anomaly(a, into: &w)
        }
        w.closeArray()
        w.key("artifacts")
        w.openArray()
        for a in d.artifacts {
            w.element()
            artifact(a, into: &w)
        }
        w.closeArray()
        w.key("baseline_parity_hash_sha256")
        w.string(f.baseline?.parityHashSHA256)
        w.key("completeness")
        w.string(s.completeness.rawValue)
        w.key("counts")
        w.openObject()
        w.key("optional")
        w.int(c.optional)
        w.key("optional_present")
        w.int(c.optionalPresent)
        w.key("required")
        w.int(c.required)
        w.key("required_missing")
        w.int(c.requiredMissing)
        w.key("required_present")
        w.int(c.requiredPresent)
        w.key("total")
        w.int(c.total)
        w.closeObject()
        w.key("current_step")
        w.string(d.currentStep)
        w.key("drift")
        if let r = f.drift { drift(r, into: &w) } else { w.null() }
        w.key("feature_slug")
        w.string(d.featureSlug)
        w.key("mission_type")
        w.string(d.missionType)
        w.key("parity_hash_sha256")
        w.string(s.parityHashSHA256)
        w.key("snapshot_id")
        w.string(s.snapshotID)
        w.key("step_source")
        w.string(d.stepSource.rawValue)
        w.closeObject()
    }

    private static func drift(_ r: DriftReport, into w: inout JSONByteWriter) {
        func strings(_ list: [String]) {
            w.openArray()
            for s in list {
                w.element()
                w.string(s)
            }
            w.closeArray()
        }
        w.openObject()
        w.key("baseline_parity_hash")
        w.string(r.baselineParityHash)
        w.key("changed")
        w.openArray()
        for c in r.changed {
            w.element()
            w.openObject()
            w.key("baseline_hash")
            w.string(c.baselineHash)
            w.key("key")
            w.string(c.key)
            w.key("local_hash")
            w.string(c.localHash)
            w.key("relative_path")
            w.string(c.relativePath)
            w.closeObject()
        }
        w.closeArray()
        w.key("feature_slug")
        w.string(r.featureSlug)
        w.key("has_drift")
        w.bool(r.hasDrift)
        w.key("local_parity_hash")
        w.string(r.localParityHash)
        w.key("missing_in_baseline")
        strings(r.missingInBaseline)
        w.key("missing_in_local")
        strings(r.missingInLocal)
        w.key("severity")
        w.string(r.severity.rawValue)
        w.closeObject()
    }

    private static func artifact(_ a: Artifact, into w: inout JSONByteWriter) {
        w.openObject()
        w.key("anomaly")
        w.string(a.anomaly?.kind.rawValue)
        w.key("anomaly_detail")
        w.string(a.anomaly?.detail)
        w.key("class")
        w.string(a.artifactClass.rawValue)
        w.key("content_hash_sha256")
        w.string(a.contentHashSHA256)
        w.key("key")
        w.string(a.key)
        w.key("path_pattern")
        w.string(a.pathPattern)
        w.key("present")
        w.bool(a.present)
        w.key("relative_path")
        w.string(a.relativePath)
        w.key("required_status")
        w.string(a.requiredStatus.rawValue)
        w.key("size_bytes")
        if let size = a.sizeBytes { w.int(size) } else { w.null() }
        w.key("step_id")
        w.string(a.stepID)
        w.key("wp_id")
        w.string(a.wpID)
        w.closeObject()
    }

    private static func anomaly(_ a: Anomaly, into w: inout JSONByteWriter) {
        w.openObject()
        w.key("detail")
        w.string(a.detail)
        w.key("kind")
        w.string(a.kind.rawValue)
        w.key("relative_path")
        w.string(a.relativePath)
        w.closeObject()
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
