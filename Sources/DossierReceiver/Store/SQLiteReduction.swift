import DossierCore
import Foundation
import GRDB

/// The order-independent reduction on SQLite, inside one write transaction: `record` each newly accepted event,
/// then `finish` once. The decision itself is `SnapshotVerification` (pure); this type keeps its inputs.
///
/// - An `artifact_indexed` becomes an observation, unless it is no newer than the feature's verified snapshot
///   (then it belongs to a scan already served or superseded).
/// - A `snapshot_computed` is held in `snapshots`, unless it is older than the verified one.
/// - `finish` re-checks the held snapshots whose window changed, newest first: the window of a snapshot is the
///   observations stamped after the previous held snapshot (or the verified one) and at or before it. The newest
///   that verifies becomes the served snapshot: its entries replace the catalog, and observations and snapshots
///   up to it are dropped. The others keep their `received`/`missing` figures for the pending answer.
struct SQLiteReduction {
    private var changes: [String: FeatureBatchChange] = [:]
    private var verifiedCache: [String: VerifiedSnapshot?] = [:]

    private mutating func verified(_ db: Database, _ slug: String) throws -> VerifiedSnapshot? {
        if let cached = verifiedCache[slug] { return cached }
        let row = try Row.fetchOne(
            db, sql: "SELECT snapshot_key, snapshot_event_id FROM features WHERE feature_slug = ?", arguments: [slug])
        var value: VerifiedSnapshot?
        if let row, let key: String = row[0], let id: String = row[1] {
            value = VerifiedSnapshot(orderKey: key, eventID: id)
        }
        verifiedCache[slug] = value
        return value
    }

    mutating func record(_ db: Database, _ envelope: EventEnvelope) throws {
        let slug = envelope.payload.featureSlug
        let key = EventOrderKey.key(envelope.timestamp)
        var change = changes[slug] ?? FeatureBatchChange()
        let route = change.record(envelope, key: key, verified: try verified(db, slug))
        changes[slug] = change
        switch (route, envelope.payload) {
        case (.observation, .artifactIndexed(let p)):
            // Only new events are recorded (received_events deduplicates), so a plain insert.
            try db.cachedStatement(
                sql: """
                    INSERT INTO observations
                    (event_id, feature_slug, order_key, relative_path, artifact_key, content_hash, required_status)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    envelope.eventID, slug, key, p.relativePath, p.artifactKey, p.contentHashSHA256,
                    p.requiredStatus.rawValue,
                ])
        case (.heldSnapshot, .snapshotComputed(let p)):
            try db.execute(
                sql: """
                    INSERT INTO snapshots
                    (event_id, feature_slug, order_key, snapshot_id, parity_hash, completeness, snapshot_at, expected)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    envelope.eventID, slug, key, p.snapshotID, p.parityHashSHA256, p.completenessStatus.rawValue,
                    envelope.timestamp, SnapshotClaim.expectedArtifacts(p.artifactCounts),
                ])
        default:
            break
        }
    }

    mutating func finish(_ db: Database) throws {
        for slug in changes.keys.sorted() {
            guard let change = changes[slug] else { continue }
            try db.execute(
                sql: """
                    INSERT INTO features (feature_slug, events, last_event_at, last_event_sort) VALUES (?, ?, ?, ?)
                    ON CONFLICT(feature_slug) DO UPDATE SET events = events + excluded.events,
                        last_event_at = CASE
                            WHEN last_event_sort IS NULL OR excluded.last_event_sort > last_event_sort
                            THEN excluded.last_event_at ELSE last_event_at END,
                        last_event_sort = CASE
                            WHEN last_event_sort IS NULL OR excluded.last_event_sort > last_event_sort
                            THEN excluded.last_event_sort ELSE last_event_sort END
                    """, arguments: [slug, change.events, change.lastTimestamp, change.lastSort])
            try reevaluate(db, slug, change)
        }
        changes = [:]
        verifiedCache = [:]
    }

    private static func claim(_ r: Row) -> SnapshotClaim {
        SnapshotClaim(
            eventID: r["event_id"], orderKey: r["order_key"], snapshotID: r["snapshot_id"],
            parityHash: r["parity_hash"], completeness: r["completeness"], timestamp: r["snapshot_at"],
            expectedArtifacts: r["expected"])
    }

    private static let claimColumns =
        "event_id, order_key, snapshot_id, parity_hash, completeness, snapshot_at, expected"

    private mutating func reevaluate(_ db: Database, _ slug: String, _ change: FeatureBatchChange) throws {
        var affected: [String: SnapshotClaim] = [:]
        if let range = change.observationKeys {
            // Every held snapshot from the first whose window can hold the lowest new key, up to the first that
            // covers the highest one.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(Self.claimColumns) FROM snapshots WHERE feature_slug = ? AND order_key >= ?
                    ORDER BY order_key, event_id
                    """, arguments: [slug, range.lowerBound])
            while let row = try rows.next() {
                let claim = Self.claim(row)
                affected[claim.eventID] = claim
                if claim.orderKey >= range.upperBound { break }
            }
        }
        for id in change.newSnapshots {
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(Self.claimColumns) FROM snapshots WHERE event_id = ?", arguments: [id])
            else { continue }
            let claim = Self.claim(row)
            affected[claim.eventID] = claim
            // The next held snapshot's window now starts at this one.
            if let next = try Row.fetchOne(
                db,
                sql: """
                    SELECT \(Self.claimColumns) FROM snapshots WHERE feature_slug = ? AND (order_key, event_id) > (?, ?)
                    ORDER BY order_key, event_id LIMIT 1
                    """, arguments: [slug, claim.orderKey, claim.eventID])
            {
                let nextClaim = Self.claim(next)
                affected[nextClaim.eventID] = nextClaim
            }
        }
        let newestFirst = affected.values.sorted { $1.precedes($0) }
        for claim in newestFirst {
            let lower = try windowStart(db, slug, claim)
            var window: [IndexedObservation] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT event_id, order_key, relative_path, artifact_key, content_hash, required_status
                    FROM observations WHERE feature_slug = ? AND order_key <= ? AND (? IS NULL OR order_key > ?)
                    """, arguments: [slug, claim.orderKey, lower, lower])
            while let r = try rows.next() {
                window.append(
                    IndexedObservation(
                        eventID: r[0], orderKey: r[1], relativePath: r[2], artifactKey: r[3], contentHash: r[4],
                        requiredStatus: RequiredStatus(rawValue: r[5]) ?? .optional))
            }
            switch SnapshotVerification.verify(claim, window: window) {
            case .verified(let entries):
                try serve(db, slug, claim, entries)
                return
            case .incomplete(let received, let missing):
                try db.execute(
                    sql: "UPDATE snapshots SET received = ?, missing = ? WHERE event_id = ?",
                    arguments: [received, missing, claim.eventID])
            }
        }
    }

    /// The order key a snapshot's window starts after: the previous held snapshot's, else the verified one's.
    private mutating func windowStart(_ db: Database, _ slug: String, _ claim: SnapshotClaim) throws -> String? {
        if let previous = try String.fetchOne(
            db,
            sql: """
                SELECT order_key FROM snapshots WHERE feature_slug = ? AND (order_key, event_id) < (?, ?)
                ORDER BY order_key DESC, event_id DESC LIMIT 1
                """, arguments: [slug, claim.orderKey, claim.eventID])
        {
            return previous
        }
        return try verified(db, slug)?.orderKey
    }

    private mutating func serve(_ db: Database, _ slug: String, _ claim: SnapshotClaim, _ entries: [BaselineEntry])
        throws
    {
        try db.execute(sql: "DELETE FROM catalog WHERE feature_slug = ?", arguments: [slug])
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO catalog (feature_slug, relative_path, artifact_key, content_hash, required_status)
                VALUES (?, ?, ?, ?, ?)
                """)
        for e in entries {
            try insert.execute(arguments: [
                slug, e.relativePath, e.key, e.contentHashSHA256, e.requiredStatus.rawValue,
            ])
        }
        try db.execute(
            sql: """
                UPDATE features SET snapshot_event_id = ?, snapshot_key = ?, parity_hash = ?, snapshot_id = ?,
                    completeness = ?, snapshot_at = ?
                WHERE feature_slug = ?
                """,
            arguments: [
                claim.eventID, claim.orderKey, claim.parityHash, claim.snapshotID, claim.completeness,
                claim.timestamp, slug,
            ])
        try db.execute(
            sql: "DELETE FROM observations WHERE feature_slug = ? AND order_key <= ?",
            arguments: [slug, claim.orderKey])
        try db.execute(
            sql: "DELETE FROM snapshots WHERE feature_slug = ? AND (order_key, event_id) <= (?, ?)",
            arguments: [slug, claim.orderKey, claim.eventID])
        verifiedCache[slug] = VerifiedSnapshot(orderKey: claim.orderKey, eventID: claim.eventID)
    }
}
