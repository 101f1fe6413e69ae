import DossierCore
import Foundation
import GRDB

/// The receiver's durable store (its own SQLite database: WAL, `synchronous=FULL`): every accepted event,
/// deduplicated by `event_id`, plus the per-feature state reduced from the stream.
///
/// Reduction: `artifact_indexed` events accumulate in `pending_artifacts` for their feature; a
/// `snapshot_computed` for that feature makes them the feature's catalog (replacing the previous one)
/// and records the snapshot. A scan's events are delivered in queue order, snapshot last (DESIGN §5.1),
/// so the catalog is the artifact set of the latest snapshot.
public final class ReceiverStore: Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed: folders 0700, file 0600) the store at `path`.
    public init(path: String) throws {
        self.path = path
        // Missing folders 0700, the file 0600, whatever the umask (SQLite gives -wal/-shm the file's mode).
        try OwnerOnlyFiles.prepareFile(path)
        var config = Configuration()
        config.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        pool = try DatabasePool(path: path, configuration: config)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Fewer, larger checkpoints: each one stalls the committing request.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8000")
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE received_events (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL UNIQUE,
                        event_type TEXT NOT NULL,
                        feature_slug TEXT NOT NULL,
                        timestamp TEXT NOT NULL,
                        body BLOB NOT NULL,
                        batch_id TEXT NOT NULL,
                        received_at TEXT NOT NULL,
                        receive_count INTEGER NOT NULL DEFAULT 1
                    );
                    CREATE TABLE pending_artifacts (
                        feature_slug TEXT NOT NULL, relative_path TEXT NOT NULL, artifact_key TEXT NOT NULL,
                        content_hash TEXT NOT NULL, required_status TEXT NOT NULL,
                        PRIMARY KEY (feature_slug, relative_path));
                    CREATE TABLE catalog (
                        feature_slug TEXT NOT NULL, relative_path TEXT NOT NULL, artifact_key TEXT NOT NULL,
                        content_hash TEXT NOT NULL, required_status TEXT NOT NULL,
                        PRIMARY KEY (feature_slug, relative_path));
                    CREATE TABLE features (
                        feature_slug TEXT PRIMARY KEY,
                        parity_hash TEXT, snapshot_id TEXT, completeness TEXT, snapshot_at TEXT,
                        events INTEGER NOT NULL DEFAULT 0, last_event_at TEXT);
                    """)
        }
        try migrator.migrate(pool)
    }

    /// What happened to one event of a batch.
    public enum Verdict: Sendable, Equatable {
        case accepted, duplicate
        case rejected(String)
    }

    /// Stores the valid events of a batch in one transaction (committed before the caller answers) and
    /// returns the verdict for each, in order. `envelopes[i]` is nil when event `i` failed validation
    /// (its verdict is then `rejected` with `rejections[i]`).
    func store(
        batchID: String, raw: [Data], envelopes: [EventEnvelope?], rejections: [String?], receivedAt: String
    ) async throws -> [Verdict] {
        try await pool.write { db in
            var verdicts: [Verdict] = []
            verdicts.reserveCapacity(raw.count)
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO received_events (event_id, event_type, feature_slug, timestamp, body, batch_id, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO UPDATE SET receive_count = receive_count + 1
                    RETURNING receive_count
                    """)
            for (index, envelope) in envelopes.enumerated() {
                guard let envelope else {
                    verdicts.append(.rejected(rejections[index] ?? "invalid event"))
                    continue
                }
                let count =
                    try Int.fetchOne(
                        insert,
                        arguments: [
                            envelope.eventID, envelope.eventType.rawValue, envelope.payload.featureSlug,
                            envelope.timestamp, raw[index], batchID, receivedAt,
                        ]) ?? 1
                if count > 1 {
                    verdicts.append(.duplicate)
                    continue
                }
                try Self.reduce(db, envelope)
                verdicts.append(.accepted)
            }
            return verdicts
        }
    }

    static func reduce(_ db: Database, _ envelope: EventEnvelope) throws {
        let slug = envelope.payload.featureSlug
        try db.execute(
            sql: """
                INSERT INTO features (feature_slug, events, last_event_at) VALUES (?, 1, ?)
                ON CONFLICT(feature_slug) DO UPDATE SET events = events + 1, last_event_at = excluded.last_event_at
                """, arguments: [slug, envelope.timestamp])
        switch envelope.payload {
        case .artifactIndexed(let p):
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO pending_artifacts
                    (feature_slug, relative_path, artifact_key, content_hash, required_status) VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [slug, p.relativePath, p.artifactKey, p.contentHashSHA256, p.requiredStatus.rawValue])
        case .snapshotComputed(let p):
            try db.execute(sql: "DELETE FROM catalog WHERE feature_slug = ?", arguments: [slug])
            try db.execute(
                sql: "INSERT INTO catalog SELECT * FROM pending_artifacts WHERE feature_slug = ?", arguments: [slug])
            try db.execute(sql: "DELETE FROM pending_artifacts WHERE feature_slug = ?", arguments: [slug])
            try db.execute(
                sql: """
                    UPDATE features SET parity_hash = ?, snapshot_id = ?, completeness = ?, snapshot_at = ?
                    WHERE feature_slug = ?
                    """,
                arguments: [p.parityHashSHA256, p.snapshotID, p.completenessStatus.rawValue, envelope.timestamp, slug])
        case .artifactMissing, .parityDriftDetected:
            break
        }
    }

    /// Number of distinct events stored.
    public func eventCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM received_events") ?? 0 }
    }

    /// How many times each stored event was received (1 = once; more = duplicates absorbed).
    public func receiveCounts() throws -> [String: Int] {
        try pool.read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT event_id, receive_count FROM received_events") {
                result[row[0]] = row[1]
            }
            return result
        }
    }

    /// The stored raw envelope bytes of an event, as received.
    public func storedBody(eventID: String) throws -> Data? {
        try pool.read { db in
            try Data.fetchOne(db, sql: "SELECT body FROM received_events WHERE event_id = ?", arguments: [eventID])
        }
    }

    /// The baseline the receiver holds for a feature (latest snapshot + its catalog), nil if no snapshot yet.
    public func baseline(featureSlug: String, source: String) throws -> Baseline? {
        try pool.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT parity_hash, snapshot_at FROM features WHERE feature_slug = ?",
                    arguments: [featureSlug]),
                let parity: String = row["parity_hash"]
            else { return nil }
            let entries = try Row.fetchAll(
                db,
                sql: """
                    SELECT artifact_key, relative_path, content_hash, required_status FROM catalog
                    WHERE feature_slug = ?
                    """, arguments: [featureSlug]
            ).map { r in
                BaselineEntry(
                    key: r[0], relativePath: r[1], contentHashSHA256: r[2],
                    requiredStatus: RequiredStatus(rawValue: r[3]) ?? .optional)
            }.sorted { Array($0.relativePath.utf8).lexicographicallyPrecedes(Array($1.relativePath.utf8)) }
            return Baseline(
                featureSlug: featureSlug, missionType: "unknown", parityHashSHA256: parity, entries: entries,
                acceptedAt: row["snapshot_at"] ?? "", source: source)
        }
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

        enum CodingKeys: String, CodingKey {
            case featureSlug = "feature_slug"
            case parityHashSHA256 = "parity_hash_sha256"
            case completenessStatus = "completeness_status"
            case snapshotID = "snapshot_id"
            case snapshotAt = "snapshot_at"
            case artifactCount = "artifact_count"
            case eventsReceived = "events_received"
            case lastEventAt = "last_event_at"
        }
    }

    /// Every feature the receiver has heard of, sorted by slug.
    public func summaries() throws -> [FeatureSummary] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.feature_slug, f.parity_hash, f.completeness, f.snapshot_id, f.snapshot_at, f.events,
                           f.last_event_at, (SELECT COUNT(*) FROM catalog c WHERE c.feature_slug = f.feature_slug)
                    FROM features f ORDER BY f.feature_slug
                    """
            ).map { r in
                FeatureSummary(
                    featureSlug: r[0], parityHashSHA256: r[1], completenessStatus: r[2], snapshotID: r[3],
                    snapshotAt: r[4], artifactCount: r[7], eventsReceived: r[5], lastEventAt: r[6])
            }
        }
    }
}
