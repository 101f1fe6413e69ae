import Foundation

/// The stable `dossier scan --json` document (docs/scan-json.md). Written by hand rather than by `JSONEncoder`: keys
/// sorted by UTF-8 bytes, two-space indentation, every documented field present (null when absent), and about five
/// times faster on 1,000 artifacts. Every list is in byte order of its path or key; everything that varies with time
/// or location sits under `volatile`.
public enum ScanJSON {
    /// Version of this document's shape; bumped on any incompatible change.
    public static let formatVersion = 1

    /// Encodes a pipeline result. `scannedAt` is RFC 3339 UTC; `durationMS` the wall time of the scan.
    public static func encode(_ result: PipelineResult, scannedAt: String, durationMS: Int) -> Data {
        var out = Data()
        write(result, scannedAt: scannedAt, durationMS: durationMS) { out.append(contentsOf: $0) }
        return out
    }

    /// Writes the document of `encode` to `sink` in pieces of at most about 256 KiB, so the whole document is never
    /// held twice (the command streams it to stdout). Written member by member in key order (no tree of values:
    /// 10,000 artifacts on a real repository), in the layout `JSONByteWriter` describes.
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
}
