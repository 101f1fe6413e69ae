import DossierCore
import Foundation
import GRDB
import NIOPosix

/// The receiver's store on SQLite (its own database: WAL, `synchronous=FULL`), the first `ReceiverStore`.
///
/// Tables: `received_events` (every accepted event, raw bytes, deduplicated by `event_id`); the reduction state
/// `observations` (indexed events not yet consumed), `snapshots` (snapshots not yet verified or superseded),
/// `catalog` and `features` (the verified snapshot served per feature, and counters). See `SQLiteReduction`.
///
/// Every SQLite call runs on a thread pool the store owns, never on the caller's (cooperative) thread. Writes go
/// through a `GroupCommitter`: the batches of concurrent requests share one FULL transaction, and each request
/// is answered after that transaction committed.
public final class SQLiteReceiverStore: ReceiverStore {
    let pool: DatabasePool
    public let path: String
    private let threadPool: NIOThreadPool
    private let committer: GroupCommitter<IncomingBatch, [ReceiverVerdict]>

    /// Most batches committed in one transaction.
    public static let maxBatchesPerCommit = 64

    /// Opens (creating if needed: folders 0700, file 0600) the store at `path`, migrating an older layout.
    public init(path: String) throws {
        self.path = path
        // Missing folders 0700, the file 0600, whatever the umask (SQLite gives -wal/-shm the file's mode).
        try OwnerOnlyFiles.prepareFile(path)
        var config = Configuration()
        config.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        let pool = try DatabasePool(path: path, configuration: config)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Fewer, larger checkpoints: each one stalls the committing group.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8000")
        }
        try ReceiverMigrations.migrator.migrate(pool)
        self.pool = pool
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        self.threadPool = threadPool
        self.committer = GroupCommitter(threadPool: threadPool, maxJobs: Self.maxBatchesPerCommit) { batches in
            try pool.write { db in try Self.commit(db, batches) }
        }
    }

    deinit {
        threadPool.shutdownGracefully { _ in }
    }

    public func store(_ batch: IncomingBatch) async throws -> [ReceiverVerdict] {
        try await committer.submit(batch)
    }

    /// Stores several batches in one transaction (the caller holds the write lock): one verdict list per batch.
    static func commit(_ db: Database, _ batches: [IncomingBatch]) throws -> [[ReceiverVerdict]] {
        // A plain insert (no RETURNING row to decode); only a repeat, which inserts nothing, runs the update.
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO received_events (event_id, event_type, feature_slug, timestamp, body, batch_id, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(event_id) DO NOTHING
                """)
        let repeated = try db.cachedStatement(
            sql: "UPDATE received_events SET receive_count = receive_count + 1 WHERE event_id = ?")
        var reduction = SQLiteReduction()
        var answers: [[ReceiverVerdict]] = []
        answers.reserveCapacity(batches.count)
        for batch in batches {
            var verdicts: [ReceiverVerdict] = []
            verdicts.reserveCapacity(batch.events.count)
            for event in batch.events {
                guard let envelope = event.envelope else {
                    verdicts.append(.rejected(event.rejection ?? "invalid event"))
                    continue
                }
                try insert.execute(arguments: [
                    envelope.eventID, envelope.eventType.rawValue, envelope.payload.featureSlug, envelope.timestamp,
                    event.raw, batch.batchID, batch.receivedAt,
                ])
                if db.changesCount == 0 {
                    try repeated.execute(arguments: [envelope.eventID])
                    verdicts.append(.duplicate)
                    continue
                }
                try reduction.record(db, envelope)
                verdicts.append(.accepted)
            }
            answers.append(verdicts)
        }
        try reduction.finish(db)
        return answers
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await threadPool.runIfActive { [pool] in try pool.read(body) }
    }

    public func eventCount() async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM received_events") ?? 0 }
    }

    public func receiveCounts() async throws -> [String: Int] {
        try await read { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT event_id, receive_count FROM received_events") {
                result[row[0]] = row[1]
            }
            return result
        }
    }

    public func storedBody(eventID: String) async throws -> Data? {
        try await read { db in
            try Data.fetchOne(db, sql: "SELECT body FROM received_events WHERE event_id = ?", arguments: [eventID])
        }
    }

    public func baseline(featureSlug: String, source: String) async throws -> BaselineAnswer {
        try await read { db in try Self.baseline(db, featureSlug: featureSlug, source: source) }
    }

    static func baseline(_ db: Database, featureSlug: String, source: String) throws -> BaselineAnswer {
        let pending = try pendingSnapshot(db, featureSlug: featureSlug)
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT parity_hash, snapshot_id, snapshot_at FROM features WHERE feature_slug = ?",
                arguments: [featureSlug]),
            let parity: String = row["parity_hash"]
        else { return pending.map { .pending($0) } ?? .unknown }
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
        let baseline = Baseline(
            featureSlug: featureSlug, missionType: "unknown", parityHashSHA256: parity, entries: entries,
            acceptedAt: row["snapshot_at"] ?? "", source: source)
        return .verified(baseline, snapshotID: row["snapshot_id"] ?? "", pending: pending)
    }

    /// The newest held snapshot that is not verified (all held snapshots are newer than the verified one).
    static func pendingSnapshot(_ db: Database, featureSlug: String) throws -> PendingSnapshot? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT snapshot_id, snapshot_at, received, missing FROM snapshots WHERE feature_slug = ?
                ORDER BY order_key DESC, event_id DESC LIMIT 1
                """, arguments: [featureSlug]
        ).map { r in
            PendingSnapshot(
                featureSlug: featureSlug, snapshotID: r[0], snapshotAt: r[1], receivedArtifacts: r[2],
                missingArtifacts: r[3])
        }
    }

    public func summaries() async throws -> [FeatureSummary] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT f.feature_slug, f.parity_hash, f.completeness, f.snapshot_id, f.snapshot_at, f.events,
                           f.last_event_at, (SELECT COUNT(*) FROM catalog c WHERE c.feature_slug = f.feature_slug)
                    FROM features f
                    """)
            var result: [FeatureSummary] = []
            result.reserveCapacity(rows.count)
            for r in rows {
                let slug: String = r[0]
                let pending = try Self.pendingSnapshot(db, featureSlug: slug)
                result.append(
                    FeatureSummary(
                        featureSlug: slug, parityHashSHA256: r[1], completenessStatus: r[2], snapshotID: r[3],
                        snapshotAt: r[4], artifactCount: r[7], eventsReceived: r[5], lastEventAt: r[6],
                        pendingSnapshotID: pending?.snapshotID, pendingMissingArtifacts: pending?.missingArtifacts))
            }
            return result.sorted { Array($0.featureSlug.utf8).lexicographicallyPrecedes(Array($1.featureSlug.utf8)) }
        }
    }
}
