import DossierCore
import Foundation

/// What happened to one event of a batch.
public enum ReceiverVerdict: Sendable, Equatable {
    case accepted, duplicate
    case rejected(String)
}

/// One event of an incoming batch after validation: its bytes as received, and either the validated envelope
/// or why it was refused.
public struct IncomingEvent: Sendable {
    public var raw: Data
    public var envelope: EventEnvelope?
    public var rejection: String?

    public init(raw: Data, envelope: EventEnvelope?, rejection: String?) {
        self.raw = raw
        self.envelope = envelope
        self.rejection = rejection
    }
}

/// A validated batch, ready to be stored.
public struct IncomingBatch: Sendable {
    public var batchID: String
    public var events: [IncomingEvent]
    /// RFC 3339 UTC arrival time (informational).
    public var receivedAt: String

    public init(batchID: String, events: [IncomingEvent], receivedAt: String) {
        self.batchID = batchID
        self.events = events
        self.receivedAt = receivedAt
    }
}

/// A snapshot the receiver holds but cannot serve yet: its indexed events have not all arrived (or do not
/// reproduce its parity hash).
public struct PendingSnapshot: Codable, Sendable, Equatable {
    public var featureSlug: String
    public var snapshotID: String
    public var snapshotAt: String
    /// Distinct artifact paths received in the snapshot's window.
    public var receivedArtifacts: Int
    /// Artifacts still awaited (at least 1): the snapshot's `required_present + optional_present` minus those.
    public var missingArtifacts: Int

    public init(
        featureSlug: String, snapshotID: String, snapshotAt: String, receivedArtifacts: Int, missingArtifacts: Int
    ) {
        self.featureSlug = featureSlug
        self.snapshotID = snapshotID
        self.snapshotAt = snapshotAt
        self.receivedArtifacts = receivedArtifacts
        self.missingArtifacts = missingArtifacts
    }

    enum CodingKeys: String, CodingKey {
        case featureSlug = "feature_slug"
        case snapshotID = "snapshot_id"
        case snapshotAt = "snapshot_at"
        case receivedArtifacts = "received_artifacts"
        case missingArtifacts = "missing_artifacts"
    }
}

/// What the receiver can say about a feature's baseline.
public enum BaselineAnswer: Sendable, Equatable {
    /// The latest verified snapshot, and a newer one still awaited, if any.
    case verified(Baseline, snapshotID: String, pending: PendingSnapshot?)
    /// Snapshots received, none verified yet.
    case pending(PendingSnapshot)
    /// No snapshot received for the feature.
    case unknown
}

/// One line of `GET /dossiers`.
public struct FeatureSummary: Codable, Sendable, Equatable {
    public var featureSlug: String
    public var parityHashSHA256: String?
    public var completenessStatus: String?
    public var snapshotID: String?
    public var snapshotAt: String?
    public var artifactCount: Int
    public var eventsReceived: Int
    public var lastEventAt: String?
    /// The newest received snapshot that is not verified yet (newer than `snapshotID`), if any.
    public var pendingSnapshotID: String?
    public var pendingMissingArtifacts: Int?

    enum CodingKeys: String, CodingKey {
        case featureSlug = "feature_slug"
        case parityHashSHA256 = "parity_hash_sha256"
        case completenessStatus = "completeness_status"
        case snapshotID = "snapshot_id"
        case snapshotAt = "snapshot_at"
        case artifactCount = "artifact_count"
        case eventsReceived = "events_received"
        case lastEventAt = "last_event_at"
        case pendingSnapshotID = "pending_snapshot_id"
        case pendingMissingArtifacts = "pending_missing_artifacts"
    }
}

/// The receiver's durable state behind one protocol, so another database can sit next to the SQLite one.
/// Every implementation: stores each batch durably before `store` returns, deduplicates by `event_id`
/// (a duplicate is answered `duplicate` and changes nothing but its receive count), and reduces accepted events
/// with the order-independent rule of `SnapshotVerification`. No method blocks the caller's thread.
public protocol ReceiverStore: Sendable {
    /// Stores a batch; one verdict per event, in order.
    func store(_ batch: IncomingBatch) async throws -> [ReceiverVerdict]
    /// Number of distinct events stored.
    func eventCount() async throws -> Int
    /// How many times each stored event was received (1 = once; more = duplicates absorbed).
    func receiveCounts() async throws -> [String: Int]
    /// The stored raw envelope bytes of an event, as received.
    func storedBody(eventID: String) async throws -> Data?
    /// The feature's verified baseline (with `source` as its source), or what it waits for.
    func baseline(featureSlug: String, source: String) async throws -> BaselineAnswer
    /// Every feature the receiver has heard of, sorted by slug bytes.
    func summaries() async throws -> [FeatureSummary]
}

/// The store cannot answer right now (its database is unreachable, restarting or saturated); nothing of the
/// request was acknowledged. The receiver answers `503` with `Retry-After`, and the sender retries.
public struct ReceiverStoreUnavailable: Error, CustomStringConvertible {
    public var reason: String
    public var retryAfterSeconds: Int

    public init(reason: String, retryAfterSeconds: Int) {
        self.reason = reason
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "the receiver store is unavailable: \(reason)" }
}
