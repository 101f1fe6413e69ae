/// Builds the deterministic snapshot of a dossier. Pure.
///
/// - Parity: over present artifacts that have a content hash (an unreadable file has none and is left out).
/// - Counts: `total` = every artifact listed (present or expected); `required` = artifacts whose required status is
///   `required`, split into `required_present` (present and valid, `Artifact.isValid`) and `required_missing`
///   (absent or invalid); `optional` = optional artifacts, `optional_present` = those present.
/// - Completeness: `unknown` when the mission type has no manifest (the dossier has no current step), `complete`
///   when no required artifact is missing or invalid, else `incomplete`.
/// - `snapshot_id`: UUID-shaped (8-4-4-4-12) prefix of SHA-256("dossier-snapshot\nslug\nmission\nstep\nparity").
public enum SnapshotBuilder {
    /// The snapshot of `dossier`.
    public static func snapshot(of dossier: Dossier) -> Snapshot {
        let parity = ParityHash.compute(
            dossier.artifacts.compactMap { a in a.present ? a.contentHashSHA256.map { (a.relativePath, $0) } : nil })
        var required = 0, requiredPresent = 0, optional = 0, optionalPresent = 0
        for a in dossier.artifacts {
            switch a.requiredStatus {
            case .required:
                required += 1
                if a.isValid { requiredPresent += 1 }
            case .optional:
                optional += 1
                if a.present { optionalPresent += 1 }
            }
        }
        let counts = ArtifactCounts(
            total: dossier.artifacts.count, required: required, requiredPresent: requiredPresent,
            requiredMissing: required - requiredPresent, optional: optional, optionalPresent: optionalPresent)
        let completeness: Completeness =
            dossier.currentStep == nil ? .unknown : (counts.requiredMissing == 0 ? .complete : .incomplete)
        let idSource = [
            "dossier-snapshot", dossier.featureSlug, dossier.missionType, dossier.currentStep ?? "", parity,
        ]
        .joined(separator: "\n")
        let h = Array(StreamingHasher.sha256Hex(Array(idSource.utf8)))
        let id = [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
        return Snapshot(
            featureSlug: dossier.featureSlug, missionType: dossier.missionType, currentStep: dossier.currentStep,
            counts: counts, completeness: completeness, parityHashSHA256: parity, snapshotID: id)
    }
}
