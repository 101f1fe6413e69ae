import DossierCore

/// One `artifact_indexed` event as the reducer keeps it: which path had which content, and when.
public struct IndexedObservation: Sendable, Equatable {
    public var eventID: String
    /// `EventOrderKey` of the event's timestamp.
    public var orderKey: String
    public var relativePath: String
    public var artifactKey: String
    public var contentHash: String
    public var requiredStatus: RequiredStatus

    public init(
        eventID: String, orderKey: String, relativePath: String, artifactKey: String, contentHash: String,
        requiredStatus: RequiredStatus
    ) {
        self.eventID = eventID
        self.orderKey = orderKey
        self.relativePath = relativePath
        self.artifactKey = artifactKey
        self.contentHash = contentHash
        self.requiredStatus = requiredStatus
    }
}

/// One `snapshot_computed` event as the reducer keeps it until it is verified or superseded.
public struct SnapshotClaim: Sendable, Equatable {
    public var eventID: String
    public var orderKey: String
    public var snapshotID: String
    public var parityHash: String
    public var completeness: String
    /// The event's timestamp as sent.
    public var timestamp: String
    /// How many `artifact_indexed` events the scan is expected to have sent (see `expectedArtifacts(_:)`).
    public var expectedArtifacts: Int

    public init(
        eventID: String, orderKey: String, snapshotID: String, parityHash: String, completeness: String,
        timestamp: String, expectedArtifacts: Int
    ) {
        self.eventID = eventID
        self.orderKey = orderKey
        self.snapshotID = snapshotID
        self.parityHash = parityHash
        self.completeness = completeness
        self.timestamp = timestamp
        self.expectedArtifacts = expectedArtifacts
    }

    /// The scan's indexed-event count as the snapshot's counts give it: `required_present + optional_present`
    /// (exact unless an artifact is present but unreadable, or hashed but invalid; it only feeds the "missing"
    /// figure of a pending answer, never the verification itself).
    public static func expectedArtifacts(_ counts: ArtifactCounts) -> Int {
        let (sum, overflow) = counts.requiredPresent.addingReportingOverflow(counts.optionalPresent)
        return overflow ? Int.max : max(0, sum)
    }

    /// Snapshot order: timestamp, then event id (so equal timestamps still order the same everywhere).
    public func precedes(_ other: SnapshotClaim) -> Bool {
        (orderKey, eventID) < (other.orderKey, other.eventID)
    }
}

/// What checking one snapshot against the indexed events of its window gave.
public enum SnapshotVerdict: Sendable, Equatable {
    /// The window's artifacts reproduce the snapshot's parity hash: these are its entries (sorted by path bytes).
    case verified([BaselineEntry])
    /// Not (yet): `received` distinct paths in the window, `missing` the artifacts still awaited (at least 1).
    case incomplete(received: Int, missing: Int)
}

/// The self-verifying reduction rule (pure). A scan sends one `artifact_indexed` per present artifact, then its
/// `snapshot_computed`, all stamped by one clock; so the indexed events of snapshot S are those stamped after the
/// previous snapshot the receiver holds and at or before S. Of those, the latest event per path (by timestamp,
/// then event id) is the candidate catalog, and S is verified exactly when the candidates reproduce its parity
/// hash (`ParityHash`, the same rule the scanner used), whatever order the events came in.
public enum SnapshotVerification {
    /// The latest observation per path (timestamp, then event id), sorted by the UTF-8 bytes of the path.
    public static func latestPerPath(_ observations: [IndexedObservation]) -> [IndexedObservation] {
        var latest: [String: IndexedObservation] = [:]
        latest.reserveCapacity(observations.count)
        for o in observations {
            if let seen = latest[o.relativePath], (seen.orderKey, seen.eventID) >= (o.orderKey, o.eventID) {
                continue
            }
            latest[o.relativePath] = o
        }
        // Compared on the UTF-8 views in place (no array per comparison: this sort is most of a large verify).
        return latest.values.sorted { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
    }

    /// Checks `snapshot` against the indexed events of its window (the caller selects the window).
    public static func verify(_ snapshot: SnapshotClaim, window: [IndexedObservation]) -> SnapshotVerdict {
        let candidates = latestPerPath(window)
        let parity = ParityHash.compute(candidates.map { ($0.relativePath, $0.contentHash) })
        if parity == snapshot.parityHash {
            return .verified(
                candidates.map {
                    BaselineEntry(
                        key: $0.artifactKey, relativePath: $0.relativePath, contentHashSHA256: $0.contentHash,
                        requiredStatus: $0.requiredStatus)
                })
        }
        let (shortfall, overflow) = snapshot.expectedArtifacts.subtractingReportingOverflow(candidates.count)
        return .incomplete(received: candidates.count, missing: overflow ? 1 : max(1, shortfall))
    }
}
