import Logging
import PostgresNIO

/// The PostgreSQL store's schema, version by version. `migrate` runs in one transaction under a fixed
/// `pg_advisory_xact_lock`, so receivers starting at the same time on an empty database apply each version once
/// (the others wait, then find it applied). Text columns use the "C" collation: comparisons are by bytes, as in
/// the SQLite store, so order keys and event ids sort the same in both.
enum PostgresMigrations {
    /// The advisory lock key of the migrator (an arbitrary constant, "dossier" in ASCII).
    static let lockKey: Int64 = 0x0064_6F73_7369_6572

    static let versions: [(id: String, statements: [String])] = [
        (
            "v1",
            [
                """
                CREATE TABLE received_events (
                    seq BIGSERIAL NOT NULL,
                    event_id TEXT COLLATE "C" PRIMARY KEY,
                    event_type TEXT NOT NULL,
                    feature_slug TEXT COLLATE "C" NOT NULL,
                    timestamp TEXT NOT NULL,
                    body BYTEA NOT NULL,
                    batch_id TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    receive_count BIGINT NOT NULL DEFAULT 1)
                """,
                """
                CREATE TABLE features (
                    feature_slug TEXT COLLATE "C" PRIMARY KEY,
                    events BIGINT NOT NULL DEFAULT 0,
                    last_event_at TEXT, last_event_sort TEXT COLLATE "C",
                    snapshot_event_id TEXT COLLATE "C", snapshot_key TEXT COLLATE "C",
                    parity_hash TEXT, snapshot_id TEXT, completeness TEXT, snapshot_at TEXT)
                """,
                """
                CREATE TABLE observations (
                    event_id TEXT COLLATE "C" NOT NULL, feature_slug TEXT COLLATE "C" NOT NULL,
                    order_key TEXT COLLATE "C" NOT NULL, relative_path TEXT COLLATE "C" NOT NULL,
                    artifact_key TEXT NOT NULL, content_hash TEXT NOT NULL, required_status TEXT NOT NULL)
                """,
                "CREATE INDEX observations_window ON observations (feature_slug, order_key)",
                """
                CREATE TABLE snapshots (
                    event_id TEXT COLLATE "C" PRIMARY KEY, feature_slug TEXT COLLATE "C" NOT NULL,
                    order_key TEXT COLLATE "C" NOT NULL, snapshot_id TEXT NOT NULL, parity_hash TEXT NOT NULL,
                    completeness TEXT NOT NULL, snapshot_at TEXT NOT NULL, expected BIGINT NOT NULL,
                    received BIGINT NOT NULL DEFAULT 0, missing BIGINT NOT NULL DEFAULT 1)
                """,
                "CREATE INDEX snapshots_order ON snapshots (feature_slug, order_key, event_id)",
                """
                CREATE TABLE catalog (
                    feature_slug TEXT COLLATE "C" NOT NULL, relative_path TEXT COLLATE "C" NOT NULL,
                    artifact_key TEXT NOT NULL, content_hash TEXT NOT NULL, required_status TEXT NOT NULL,
                    PRIMARY KEY (feature_slug, relative_path))
                """,
            ]
        ),
        ("v2", [PostgresFastIngest.createFunction]),
    ]

    /// Applies the versions not applied yet; returns their ids (empty when another receiver did it first).
    @discardableResult
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS dossier_receiver_migrations (
                    id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var applied: Set<String> = []
            for try await id in try await connection.query(
                "SELECT id FROM dossier_receiver_migrations", logger: logger
            ).decode(String.self) {
                applied.insert(id)
            }
            var done: [String] = []
            for version in versions where !applied.contains(version.id) {
                for statement in version.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO dossier_receiver_migrations (id) VALUES (\(version.id))", logger: logger)
                done.append(version.id)
            }
            try await connection.query("COMMIT", logger: logger)
            return done
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}
