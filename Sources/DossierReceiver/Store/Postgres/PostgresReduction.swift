import DossierCore
import Foundation
import Logging
import PostgresNIO

/// The order-independent reduction on PostgreSQL, inside the transaction that stored the batch, after the
/// batch's features were locked (`pg_advisory_xact_lock`). The same rule and the same state as the SQLite store's
/// reduction (see `SnapshotVerification`), written set-wise: one multi-row insert per table per batch, then per
/// changed feature the held snapshots whose window changed are re-checked, newest first; the newest that verifies
/// is served (its entries replace the catalog; observations and snapshots up to it are dropped), the others keep
/// their `received`/`missing` figures for the pending answer.
struct PostgresReduction {
    let connection: PostgresConnection
    let logger: Logger

    /// Reduces `accepted` (events stored for the first time by this transaction).
    func apply(_ accepted: [EventEnvelope]) async throws {
        guard !accepted.isEmpty else { return }
        let slugs = Array(Set(accepted.map(\.payload.featureSlug))).sorted()
        var verified: [String: VerifiedSnapshot] = [:]
        for try await (slug, key, id) in try await connection.query(
            """
            SELECT feature_slug, snapshot_key, snapshot_event_id FROM features
            WHERE feature_slug = ANY(\(slugs)) AND snapshot_key IS NOT NULL AND snapshot_event_id IS NOT NULL
            """, logger: logger
        ).decode((String, String, String).self) {
            verified[slug] = VerifiedSnapshot(orderKey: key, eventID: id)
        }

        var changes: [String: FeatureBatchChange] = [:]
        var observations = ObservationColumns()
        var snapshots = SnapshotColumns()
        for envelope in accepted {
            let slug = envelope.payload.featureSlug
            let key = EventOrderKey.key(envelope.timestamp)
            var change = changes[slug] ?? FeatureBatchChange()
            switch (change.record(envelope, key: key, verified: verified[slug]), envelope.payload) {
            case (.observation, .artifactIndexed(let p)):
                observations.append(envelope.eventID, slug, key, p)
            case (.heldSnapshot, .snapshotComputed(let p)):
                snapshots.append(envelope.eventID, slug, key, envelope.timestamp, p)
            default:
                break
            }
            changes[slug] = change
        }
        try await observations.insert(connection, logger)
        try await snapshots.insert(connection, logger)

        let changed = changes.keys.sorted()
        let counts = changed.map { changes[$0]?.events ?? 0 }
        let lastAt = changed.map { changes[$0]?.lastTimestamp ?? "" }
        let lastSort = changed.map { changes[$0]?.lastSort ?? "" }
        try await connection.query(
            """
            INSERT INTO features (feature_slug, events, last_event_at, last_event_sort)
            SELECT * FROM unnest(\(changed)::text[], \(counts)::int8[], \(lastAt)::text[], \(lastSort)::text[])
            ON CONFLICT (feature_slug) DO UPDATE SET events = features.events + excluded.events,
                last_event_at = CASE
                    WHEN features.last_event_sort IS NULL OR excluded.last_event_sort > features.last_event_sort
                    THEN excluded.last_event_at ELSE features.last_event_at END,
                last_event_sort = CASE
                    WHEN features.last_event_sort IS NULL OR excluded.last_event_sort > features.last_event_sort
                    THEN excluded.last_event_sort ELSE features.last_event_sort END
            """, logger: logger)
        for slug in changed {
            guard let change = changes[slug] else { continue }
            try await reevaluate(slug, change, verified[slug])
        }
    }

    private func reevaluate(_ slug: String, _ change: FeatureBatchChange, _ verified: VerifiedSnapshot?) async throws {
        // Every held snapshot of the feature, oldest first (held snapshots are few: a feature's scans not yet
        // verified).
        var held: [SnapshotClaim] = []
        for try await (id, key, snapshotID, parity, completeness, at, expected) in try await connection.query(
            """
            SELECT event_id, order_key, snapshot_id, parity_hash, completeness, snapshot_at, expected
            FROM snapshots WHERE feature_slug = \(slug) ORDER BY order_key, event_id
            """, logger: logger
        ).decode((String, String, String, String, String, String, Int).self) {
            held.append(
                SnapshotClaim(
                    eventID: id, orderKey: key, snapshotID: snapshotID, parityHash: parity, completeness: completeness,
                    timestamp: at, expectedArtifacts: expected))
        }
        var affected: Set<Int> = []
        if let range = change.observationKeys {
            // From the first snapshot whose window can hold the lowest new key, up to the first covering the highest.
            for (index, claim) in held.enumerated() where claim.orderKey >= range.lowerBound {
                affected.insert(index)
                if claim.orderKey >= range.upperBound { break }
            }
        }
        let newIDs = Set(change.newSnapshots)
        for (index, claim) in held.enumerated() where newIDs.contains(claim.eventID) {
            affected.insert(index)
            // The next held snapshot's window now starts at this one.
            if index + 1 < held.count { affected.insert(index + 1) }
        }
        guard !affected.isEmpty else { return }
        let newestFirst = affected.sorted(by: >)
        // The window of held[i] is (start(i), held[i].orderKey]: start is the previous held snapshot's key, else
        // the verified one's. One query fetches the union of the affected windows.
        func start(_ index: Int) -> String? { index > 0 ? held[index - 1].orderKey : verified?.orderKey }
        let upper = newestFirst.map { held[$0].orderKey }.max() ?? ""
        let lowers = newestFirst.map(start)
        let lower: String? = lowers.contains { $0 == nil } ? nil : lowers.compactMap { $0 }.min()
        var observations: [IndexedObservation] = []
        for try await (id, key, path, artifactKey, hash, status) in try await connection.query(
            """
            SELECT event_id, order_key, relative_path, artifact_key, content_hash, required_status
            FROM observations WHERE feature_slug = \(slug) AND order_key <= \(upper)
                AND (\(lower)::text IS NULL OR order_key > \(lower))
            """, logger: logger
        ).decode((String, String, String, String, String, String).self) {
            observations.append(
                IndexedObservation(
                    eventID: id, orderKey: key, relativePath: path, artifactKey: artifactKey, contentHash: hash,
                    requiredStatus: RequiredStatus(rawValue: status) ?? .optional))
        }
        var incompleteIDs: [String] = []
        var received: [Int] = []
        var missing: [Int] = []
        var served: (SnapshotClaim, [BaselineEntry])?
        for index in newestFirst {
            let claim = held[index]
            let from = start(index)
            let window = observations.filter { o in o.orderKey <= claim.orderKey && from.map { o.orderKey > $0 } ?? true
            }
            switch SnapshotVerification.verify(claim, window: window) {
            case .verified(let entries):
                served = (claim, entries)
            case .incomplete(let r, let m):
                incompleteIDs.append(claim.eventID)
                received.append(r)
                missing.append(m)
            }
            if served != nil { break }
        }
        if !incompleteIDs.isEmpty {
            try await connection.query(
                """
                UPDATE snapshots SET received = u.received, missing = u.missing
                FROM unnest(\(incompleteIDs)::text[], \(received)::int8[], \(missing)::int8[]) AS u(id, received, missing)
                WHERE snapshots.event_id = u.id
                """, logger: logger)
        }
        if let (claim, entries) = served { try await serve(slug, claim, entries) }
    }

    private func serve(_ slug: String, _ claim: SnapshotClaim, _ entries: [BaselineEntry]) async throws {
        try await connection.query("DELETE FROM catalog WHERE feature_slug = \(slug)", logger: logger)
        if !entries.isEmpty {
            let paths = entries.map(\.relativePath)
            let keys = entries.map(\.key)
            let hashes = entries.map(\.contentHashSHA256)
            let statuses = entries.map(\.requiredStatus.rawValue)
            try await connection.query(
                """
                INSERT INTO catalog (feature_slug, relative_path, artifact_key, content_hash, required_status)
                SELECT \(slug), * FROM unnest(\(paths)::text[], \(keys)::text[], \(hashes)::text[], \(statuses)::text[])
                """, logger: logger)
        }
        try await connection.query(
            """
            UPDATE features SET snapshot_event_id = \(claim.eventID), snapshot_key = \(claim.orderKey),
                parity_hash = \(claim.parityHash), snapshot_id = \(claim.snapshotID),
                completeness = \(claim.completeness), snapshot_at = \(claim.timestamp)
            WHERE feature_slug = \(slug)
            """, logger: logger)
        try await connection.query(
            "DELETE FROM observations WHERE feature_slug = \(slug) AND order_key <= \(claim.orderKey)",
            logger: logger)
        try await connection.query(
            """
            DELETE FROM snapshots WHERE feature_slug = \(slug)
                AND (order_key, event_id) <= (\(claim.orderKey)::text, \(claim.eventID)::text)
            """, logger: logger)
    }
}

/// The new observations of a batch, column by column (one multi-row insert).
private struct ObservationColumns {
    var ids: [String] = [], slugs: [String] = [], keys: [String] = [], paths: [String] = []
    var artifactKeys: [String] = [], hashes: [String] = [], statuses: [String] = []

    mutating func append(_ id: String, _ slug: String, _ key: String, _ p: ArtifactIndexedPayload) {
        ids.append(id)
        slugs.append(slug)
        keys.append(key)
        paths.append(p.relativePath)
        artifactKeys.append(p.artifactKey)
        hashes.append(p.contentHashSHA256)
        statuses.append(p.requiredStatus.rawValue)
    }

    func insert(_ connection: PostgresConnection, _ logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO observations
                (event_id, feature_slug, order_key, relative_path, artifact_key, content_hash, required_status)
            SELECT * FROM unnest(\(ids)::text[], \(slugs)::text[], \(keys)::text[], \(paths)::text[],
                \(artifactKeys)::text[], \(hashes)::text[], \(statuses)::text[])
            """, logger: logger)
    }
}

/// The new held snapshots of a batch, column by column (one multi-row insert).
private struct SnapshotColumns {
    var ids: [String] = [], slugs: [String] = [], keys: [String] = [], snapshotIDs: [String] = []
    var parities: [String] = [], completeness: [String] = [], times: [String] = [], expected: [Int] = []

    mutating func append(_ id: String, _ slug: String, _ key: String, _ time: String, _ p: SnapshotComputedPayload) {
        ids.append(id)
        slugs.append(slug)
        keys.append(key)
        snapshotIDs.append(p.snapshotID)
        parities.append(p.parityHashSHA256)
        completeness.append(p.completenessStatus.rawValue)
        times.append(time)
        expected.append(SnapshotClaim.expectedArtifacts(p.artifactCounts))
    }

    func insert(_ connection: PostgresConnection, _ logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO snapshots
                (event_id, feature_slug, order_key, snapshot_id, parity_hash, completeness, snapshot_at, expected)
            SELECT * FROM unnest(\(ids)::text[], \(slugs)::text[], \(keys)::text[], \(snapshotIDs)::text[],
                \(parities)::text[], \(completeness)::text[], \(times)::text[], \(expected)::int8[])
            """, logger: logger)
    }
}
