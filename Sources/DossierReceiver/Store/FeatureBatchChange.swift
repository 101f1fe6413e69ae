import DossierCore

/// The snapshot a feature serves, as later events are compared with it: its order key, then its event id.
struct VerifiedSnapshot: Equatable {
    var orderKey: String
    var eventID: String
}

/// What one batch changed in one feature, tracked the same way by both stores' reductions (pure): how many events,
/// the latest (order key, timestamp), the range of new observation keys and the new held snapshots. `record` also
/// says where each accepted event goes, the one home of that rule.
struct FeatureBatchChange {
    /// Where an accepted event is kept.
    enum Route: Equatable {
        /// An `artifact_indexed` newer than the verified snapshot: kept as an observation.
        case observation
        /// A `snapshot_computed` newer than the verified one: held until it verifies.
        case heldSnapshot
        /// Counted only: no newer than the verified snapshot (a scan already served or superseded), or a type the
        /// reduction does not keep.
        case none
    }

    var events = 0
    /// Latest (order key, timestamp) seen, as `orderKey + "|" + timestamp`.
    var lastSort = ""
    var lastTimestamp = ""
    var observationKeys: ClosedRange<String>?
    var newSnapshots: [String] = []

    /// Counts `envelope`, whose order key is `key`, and says where it goes given the feature's verified snapshot.
    mutating func record(_ envelope: EventEnvelope, key: String, verified: VerifiedSnapshot?) -> Route {
        events += 1
        let sort = key + "|" + envelope.timestamp
        if sort > lastSort {
            lastSort = sort
            lastTimestamp = envelope.timestamp
        }
        switch envelope.payload {
        case .artifactIndexed:
            if let verified, key <= verified.orderKey { return .none }
            observationKeys = observationKeys.map { min($0.lowerBound, key)...max($0.upperBound, key) } ?? key...key
            return .observation
        case .snapshotComputed:
            if let verified, (key, envelope.eventID) <= (verified.orderKey, verified.eventID) { return .none }
            newSnapshots.append(envelope.eventID)
            return .heldSnapshot
        case .artifactMissing, .parityDriftDetected:
            return .none
        }
    }
}
