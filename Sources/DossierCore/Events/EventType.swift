/// The four dossier event types. Raw values are the `event_type` strings on the wire.
public enum EventType: String, CaseIterable, Sendable, Codable {
    /// One per present (hashed) artifact, every scan.
    case artifactIndexed = "mission_dossier_artifact_indexed"
    /// Only for a required (blocking) artifact that is missing, unreadable or invalid.
    case artifactMissing = "mission_dossier_artifact_missing"
    /// Always, once per scan, after the artifact events.
    case snapshotComputed = "mission_dossier_snapshot_computed"
    /// Only when a baseline exists and its parity hash differs from the current one.
    case parityDriftDetected = "mission_dossier_parity_drift_detected"
}
