import DossierCore
import Foundation
import GRDB

/// The SQLite store's schema versions. v2 replaced v1's arrival-order reduction (pending artifacts promoted by
/// the next snapshot) with the order-independent one; it rebuilds the reduction state from `received_events`,
/// which keeps every accepted event's bytes.
enum ReceiverMigrations {
    static var migrator: DatabaseMigrator {
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
        migrator.registerMigration("v2-order-independent") { db in
            try db.execute(
                sql: """
                    DROP TABLE pending_artifacts;
                    DROP TABLE features;
                    DELETE FROM catalog;
                    CREATE TABLE features (
                        feature_slug TEXT PRIMARY KEY,
                        events INTEGER NOT NULL DEFAULT 0,
                        last_event_at TEXT, last_event_sort TEXT,
                        snapshot_event_id TEXT, snapshot_key TEXT,
                        parity_hash TEXT, snapshot_id TEXT, completeness TEXT, snapshot_at TEXT);
                    CREATE TABLE observations (
                        event_id TEXT NOT NULL, feature_slug TEXT NOT NULL, order_key TEXT NOT NULL,
                        relative_path TEXT NOT NULL, artifact_key TEXT NOT NULL, content_hash TEXT NOT NULL,
                        required_status TEXT NOT NULL);
                    CREATE INDEX observations_window ON observations (feature_slug, order_key);
                    CREATE TABLE snapshots (
                        event_id TEXT PRIMARY KEY, feature_slug TEXT NOT NULL, order_key TEXT NOT NULL,
                        snapshot_id TEXT NOT NULL, parity_hash TEXT NOT NULL, completeness TEXT NOT NULL,
                        snapshot_at TEXT NOT NULL, expected INTEGER NOT NULL,
                        received INTEGER NOT NULL DEFAULT 0, missing INTEGER NOT NULL DEFAULT 1);
                    CREATE INDEX snapshots_order ON snapshots (feature_slug, order_key, event_id);
                    """)
            var reduction = SQLiteReduction()
            let rows = try Row.fetchCursor(db, sql: "SELECT body FROM received_events ORDER BY seq")
            while let row = try rows.next() {
                let body: Data = row[0]
                // Stored events were validated on arrival; one that no longer validates is left out of the state.
                guard let envelope = try? EventEnvelope(validating: body) else { continue }
                try reduction.record(db, envelope)
            }
            try reduction.finish(db)
        }
        return migrator
    }
}
