/// Compares a dossier with a baseline. Pure; keys compared and sorted by UTF-8 bytes.
///
/// - `missing_in_local`: baseline keys with no present, hashed artifact now.
/// - `missing_in_baseline`: present, hashed keys the baseline does not have.
/// - `changed`: keys in both whose content hash differs.
/// - Severity: `error` when an artifact the baseline recorded as required is missing now; otherwise `warning` when
///   anything was added or removed, or a required artifact changed; otherwise `info` (only optional artifacts
///   changed content, or no drift at all).
public enum DriftDetector {
    /// The drift report of `dossier` (with its `snapshot`) against `baseline`.
    public static func compare(baseline: Baseline, dossier: Dossier, snapshot: Snapshot) -> DriftReport {
        var local: [ByteString: Artifact] = [:]
        for a in dossier.artifacts where a.present && a.contentHashSHA256 != nil { local[ByteString(a.key)] = a }
        var base: [ByteString: BaselineEntry] = [:]
        for e in baseline.entries { base[ByteString(e.key)] = e }

        let missingInLocal = base.keys.filter { local[$0] == nil }.sorted()
        let missingInBaseline = local.keys.filter { base[$0] == nil }.sorted()
        var changed: [ChangedArtifact] = []
        var requiredChanged = false
        for key in base.keys.sorted() {
            guard let entry = base[key], let now = local[key], let hash = now.contentHashSHA256,
                hash != entry.contentHashSHA256
            else { continue }
            changed.append(
                ChangedArtifact(
                    key: key.string, relativePath: now.relativePath,
                    baselineHash: entry.contentHashSHA256, localHash: hash))
            if entry.requiredStatus == .required || now.requiredStatus == .required { requiredChanged = true }
        }
        let severity: DriftSeverity
        if missingInLocal.contains(where: { base[$0]?.requiredStatus == .required }) {
            severity = .error
        } else if !missingInLocal.isEmpty || !missingInBaseline.isEmpty || requiredChanged {
            severity = .warning
        } else {
            severity = .info
        }
        return DriftReport(
            featureSlug: dossier.featureSlug, localParityHash: snapshot.parityHashSHA256,
            baselineParityHash: baseline.parityHashSHA256, missingInLocal: missingInLocal.map(\.string),
            missingInBaseline: missingInBaseline.map(\.string), changed: changed, severity: severity)
    }
}
