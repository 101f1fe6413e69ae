import Foundation

/// The stable `dossier scan --json` document (docs/scan-json.md). Keys are sorted; every list is in byte order of
/// its path or key; everything that varies with time or location sits under `volatile`.
public enum ScanJSON {
    /// Version of this document's shape; bumped on any incompatible change.
    public static let formatVersion = 1

    struct Document: Encodable {
        var format_version: Int
        var features: [Feature]
        var volatile: Volatile
    }

    struct Volatile: Encodable {
        var scanned_at: String
        var duration_ms: Int
        var repository_root: String
        var state_directory: String
        var feature_directories: [String: String]
    }

    struct Feature: Encodable {
        var feature_slug: String
        var mission_type: String
        var current_step: String?
        var step_source: String
        var completeness: String
        var parity_hash_sha256: String
        var snapshot_id: String
        var counts: ArtifactCounts
        var artifacts: [JSONArtifact]
        var anomalies: [Anomaly]
        var baseline_parity_hash_sha256: String?
        var drift: DriftReport?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(feature_slug, forKey: K("feature_slug"))
            try c.encode(mission_type, forKey: K("mission_type"))
            try c.encode(current_step, forKey: K("current_step"))
            try c.encode(step_source, forKey: K("step_source"))
            try c.encode(completeness, forKey: K("completeness"))
            try c.encode(parity_hash_sha256, forKey: K("parity_hash_sha256"))
            try c.encode(snapshot_id, forKey: K("snapshot_id"))
            try c.encode(counts, forKey: K("counts"))
            try c.encode(artifacts, forKey: K("artifacts"))
            try c.encode(anomalies, forKey: K("anomalies"))
            try c.encode(baseline_parity_hash_sha256, forKey: K("baseline_parity_hash_sha256"))
            try c.encode(drift, forKey: K("drift"))
        }
    }

    /// An artifact with every documented field, nulls included (the model omits nils).
    struct JSONArtifact: Encodable {
        var a: Artifact
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(a.key, forKey: K("key"))
            try c.encode(a.artifactClass, forKey: K("class"))
            try c.encode(a.relativePath, forKey: K("relative_path"))
            try c.encode(a.contentHashSHA256, forKey: K("content_hash_sha256"))
            try c.encode(a.sizeBytes, forKey: K("size_bytes"))
            try c.encode(a.wpID, forKey: K("wp_id"))
            try c.encode(a.stepID, forKey: K("step_id"))
            try c.encode(a.requiredStatus, forKey: K("required_status"))
            try c.encode(a.present, forKey: K("present"))
            try c.encode(a.anomaly?.kind.rawValue, forKey: K("anomaly"))
            try c.encode(a.anomaly?.detail, forKey: K("anomaly_detail"))
            try c.encode(a.pathPattern, forKey: K("path_pattern"))
        }
    }

    struct K: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Encodes a pipeline result. `scannedAt` is RFC 3339 UTC; `durationMS` the wall time of the scan.
    public static func encode(_ result: PipelineResult, scannedAt: String, durationMS: Int) -> Data {
        let features = result.features.map { f in
            Feature(
                feature_slug: f.dossier.featureSlug, mission_type: f.dossier.missionType,
                current_step: f.dossier.currentStep, step_source: f.dossier.stepSource,
                completeness: f.snapshot.completeness.rawValue, parity_hash_sha256: f.snapshot.parityHashSHA256,
                snapshot_id: f.snapshot.snapshotID, counts: f.snapshot.counts,
                artifacts: f.dossier.artifacts.map { JSONArtifact(a: $0) }, anomalies: f.dossier.anomalies,
                baseline_parity_hash_sha256: f.baseline?.parityHashSHA256, drift: f.drift)
        }
        var dirs: [String: String] = [:]
        for f in result.features { dirs[f.dossier.featureSlug] = f.dossier.featureDirectory }
        let doc = Document(
            format_version: formatVersion, features: features,
            volatile: Volatile(scanned_at: scannedAt, duration_ms: durationMS, repository_root: result.repositoryRoot,
                               state_directory: result.stateDirectory, feature_directories: dirs))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding these plain values cannot fail.
        var data = (try? encoder.encode(doc)) ?? Data("{}".utf8)
        data.append(0x0A)
        return data
    }

    /// RFC 3339 UTC with `Z` and milliseconds, independent of locale and time zone.
    public static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
