import Foundation
import Logging

/// What one emission produced: the valid events in emission order, and the events that failed validation
/// (logged, never queued; they never stop the others).
public struct EmissionResult: Sendable, Equatable {
    public var events: [EventEnvelope]
    public var rejected: [EventValidationError]

    public init(events: [EventEnvelope], rejected: [EventValidationError]) {
        self.events = events
        self.rejected = rejected
    }
}

/// Turns a scan's dossier, snapshot and drift into the four event types. Pure: the clock and the
/// id generator are injected, nothing is written. Order: `artifact_indexed` per present hashed artifact (dossier
/// order), `artifact_missing` per required artifact that is missing or invalid, one `snapshot_computed`, then
/// `parity_drift_detected` when a drift report exists and its parity hashes differ.
public struct EventEmitter: Sendable {
    private let clock: @Sendable () -> Date
    private let makeID: @Sendable () -> UUID
    private let actor: String?
    private let logger: Logger

    public init(
        clock: @escaping @Sendable () -> Date = { Date() }, makeID: @escaping @Sendable () -> UUID = { UUID() },
        actor: String?, logger: Logger
    ) {
        self.clock = clock
        self.makeID = makeID
        self.actor = actor
        self.logger = logger
    }

    /// Builds and validates the events of one scan. Invalid events are logged and returned in `rejected`.
    public func events(for dossier: Dossier, snapshot: Snapshot, drift: DriftReport?) -> EmissionResult {
        var payloads: [Result<EventPayload, EventValidationError>] = []
        let slug = dossier.featureSlug
        for artifact in dossier.artifacts where artifact.present && artifact.contentHashSHA256 != nil {
            payloads.append(Self.indexedPayload(artifact, slug: slug))
        }
        for artifact in dossier.artifacts where artifact.requiredStatus == .required && !artifact.isValid {
            payloads.append(.success(.artifactMissing(Self.missingPayload(artifact, slug: slug))))
        }
        payloads.append(
            .success(
                .snapshotComputed(
                    SnapshotComputedPayload(
                        featureSlug: snapshot.featureSlug, parityHashSHA256: snapshot.parityHashSHA256,
                        artifactCounts: snapshot.counts, completenessStatus: snapshot.completeness,
                        snapshotID: snapshot.snapshotID))))
        if let drift, drift.hasDrift {
            payloads.append(
                .success(
                    .parityDriftDetected(
                        ParityDriftDetectedPayload(
                            featureSlug: drift.featureSlug, localParityHash: drift.localParityHash,
                            baselineParityHash: drift.baselineParityHash, missingInLocal: drift.missingInLocal,
                            missingInBaseline: drift.missingInBaseline, severity: drift.severity))))
        }

        var result = EmissionResult(events: [], rejected: [])
        result.events.reserveCapacity(payloads.count)
        for built in payloads {
            do throws(EventValidationError) {
                let payload = try built.get()
                let envelope = EventEnvelope(id: makeID(), date: clock(), actor: actor, payload: payload)
                try envelope.validate()
                result.events.append(envelope)
            } catch {
                logger.warning(
                    "invalid event not queued",
                    metadata: ["feature_slug": "\(slug)", "error": "\(error.description)"])
                result.rejected.append(error)
            }
        }
        return result
    }

    static func indexedPayload(_ a: Artifact, slug: String) -> Result<EventPayload, EventValidationError> {
        guard let size = a.sizeBytes else {
            return .failure(
                EventValidationError(
                    kind: .missingField, eventType: EventType.artifactIndexed.rawValue, field: "payload.size_bytes",
                    value: "(absent)", expected: "an integer >= 0 (artifact \(a.relativePath) has no size)"))
        }
        return .success(
            .artifactIndexed(
                ArtifactIndexedPayload(
                    featureSlug: slug, artifactKey: a.key, artifactClass: a.artifactClass,
                    relativePath: a.relativePath, contentHashSHA256: a.contentHashSHA256 ?? "", sizeBytes: size,
                    wpID: a.wpID, stepID: a.stepID, requiredStatus: a.requiredStatus)))
    }

    static func missingPayload(_ a: Artifact, slug: String) -> ArtifactMissingPayload {
        let (reason, detail) = reason(for: a)
        return ArtifactMissingPayload(
            featureSlug: slug, artifactKey: a.key, artifactClass: a.artifactClass,
            expectedPathPattern: a.pathPattern ?? a.relativePath, reasonCode: reason, reasonDetail: detail,
            blocking: a.requiredStatus == .required)
    }

    /// Maps an artifact's state and anomaly to a `reason_code` and a human detail.
    public static func reason(for a: Artifact) -> (MissingReason, String?) {
        if let anomaly = a.anomaly {
            let code: MissingReason
            switch anomaly.kind {
            case .deletedAfterScan: code = .deletedAfterScan
            case .invalidFormat, .invalidMetadata: code = .invalidFormat
            case .brokenSymlink: code = .notFound
            case .unreadable, .unreadableDirectory, .symlinkOutsideRoot, .directorySymlink, .notRegularFile,
                .emptyFile, .unusualName, .changedDuringScan:
                code = a.present ? .unreadable : .notFound
            }
            return (code, anomaly.detail.isEmpty ? nil : anomaly.detail)
        }
        if !a.present {
            return (.notFound, "no file matches \(a.pathPattern ?? a.relativePath)")
        }
        return (.unreadable, "\(a.relativePath) exists but was not hashed")
    }
}
