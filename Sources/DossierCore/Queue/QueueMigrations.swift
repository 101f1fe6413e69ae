import GRDB

/// Schema migrations of the queue database. Never edit a registered migration; add a new one.
/// `EventQueue` runs them only under `QueueOpenLock`, so processes racing on a fresh queue never both migrate.
enum QueueMigrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events(
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL UNIQUE,
                        event_type TEXT NOT NULL,
                        feature_slug TEXT NOT NULL,
                        body BLOB NOT NULL,
                        byte_count INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK(state IN ('pending','in_flight','delivered','dead')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_error TEXT,
                        lease_owner TEXT,
                        lease_expires_at REAL,
                        enqueued_at REAL NOT NULL,
                        delivered_at REAL);
                    CREATE INDEX events_due ON events(state, next_attempt_at, seq);
                    CREATE INDEX events_state_seq ON events(state, seq);
                    CREATE TABLE delivery_attempts(
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        batch_id TEXT NOT NULL,
                        endpoint TEXT NOT NULL,
                        started_at REAL NOT NULL,
                        latency_ms REAL,
                        event_count INTEGER NOT NULL,
                        byte_count INTEGER NOT NULL,
                        status_code INTEGER,
                        error TEXT,
                        outcome TEXT NOT NULL,
                        next_retry_at REAL,
                        event_ids TEXT NOT NULL);
                    CREATE INDEX delivery_attempts_started ON delivery_attempts(started_at);
                    CREATE TABLE endpoint_state(
                        endpoint TEXT PRIMARY KEY,
                        state TEXT NOT NULL,
                        reason TEXT,
                        updated_at REAL NOT NULL,
                        last_success_at REAL);
                    CREATE TABLE queue_meta(key TEXT PRIMARY KEY, value TEXT);
                    """)
        }
        m.registerMigration("v2: endpoint window") { db in
            // The window of requests in flight of the last flush (`window` itself is an SQL keyword).
            try db.execute(sql: "ALTER TABLE endpoint_state ADD COLUMN window_size INTEGER")
        }
        return m
    }
}
