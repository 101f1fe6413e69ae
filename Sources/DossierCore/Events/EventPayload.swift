/// The typed payload of an event; the case decides the `event_type`.
public enum EventPayload: Sendable, Equatable {
    case artifactIndexed(ArtifactIndexedPayload)
    case artifactMissing(ArtifactMissingPayload)
    case snapshotComputed(SnapshotComputedPayload)
    case parityDriftDetected(ParityDriftDetectedPayload)

    /// The event type this payload belongs to.
    public var eventType: EventType {
        switch self {
        case .artifactIndexed: .artifactIndexed
        case .artifactMissing: .artifactMissing
        case .snapshotComputed: .snapshotComputed
        case .parityDriftDetected: .parityDriftDetected
        }
    }

    /// The `feature_slug` every payload carries.
    public var featureSlug: String {
        switch self {
        case .artifactIndexed(let p): p.featureSlug
        case .artifactMissing(let p): p.featureSlug
        case .snapshotComputed(let p): p.featureSlug
        case .parityDriftDetected(let p): p.featureSlug
        }
    }

    /// Checks the value rules for this payload.
    public func validate() throws(EventValidationError) {
        switch self {
        case .artifactIndexed(let p): try p.validate()
        case .artifactMissing(let p): try p.validate()
        case .snapshotComputed(let p): try p.validate()
        case .parityDriftDetected(let p): try p.validate()
        }
    }

    init(type: EventType, reading value: JSONValue) throws(EventValidationError) {
        let r = try FieldReader(value, path: "payload", eventType: type.rawValue)
        switch type {
        case .artifactIndexed: self = .artifactIndexed(try ArtifactIndexedPayload(reading: r))
        case .artifactMissing: self = .artifactMissing(try ArtifactMissingPayload(reading: r))
        case .snapshotComputed: self = .snapshotComputed(try SnapshotComputedPayload(reading: r))
        case .parityDriftDetected: self = .parityDriftDetected(try ParityDriftDetectedPayload(reading: r))
        }
    }
}
