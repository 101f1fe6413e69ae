/// The four dossier event types of the spec-kitty-events contract (`spec_kitty_events.dossier`), PascalCase on the
/// wire, and their counterparts among dossier's own snake_case types.
public enum SpecKittyEventType: String, CaseIterable, Sendable {
    case artifactIndexed = "MissionDossierArtifactIndexed"
    case artifactMissing = "MissionDossierArtifactMissing"
    case snapshotComputed = "MissionDossierSnapshotComputed"
    case parityDriftDetected = "MissionDossierParityDriftDetected"

    /// The spec-kitty-events type a dossier event type becomes.
    public init(_ type: EventType) {
        switch type {
        case .artifactIndexed: self = .artifactIndexed
        case .artifactMissing: self = .artifactMissing
        case .snapshotComputed: self = .snapshotComputed
        case .parityDriftDetected: self = .parityDriftDetected
        }
    }
}
