import Foundation
import GRDB

/// One delivery attempt as the worker records it.
public struct DeliveryAttemptLog: Sendable, Equatable {
    public var batchID: String
    public var endpoint: String
    public var startedAt: Date
    public var latencyMs: Double
    public var eventIDs: [String]
    public var byteCount: Int
    public var statusCode: Int?
    public var error: String?
    public var outcome: String
    public var nextRetryAt: Date?

    public init(
        batchID: String, endpoint: String, startedAt: Date, latencyMs: Double, eventIDs: [String], byteCount: Int,
        statusCode: Int?, error: String?, outcome: String, nextRetryAt: Date?
    ) {
        self.batchID = batchID
        self.endpoint = endpoint
        self.startedAt = startedAt
        self.latencyMs = latencyMs
        self.eventIDs = eventIDs
        self.byteCount = byteCount
        self.statusCode = statusCode
        self.error = error
        self.outcome = outcome
        self.nextRetryAt = nextRetryAt
    }
}

/// One answered attempt waiting to be committed: its events' outcomes, when, its log row and the endpoint verdict.
public struct AttemptCompletion: Sendable, Equatable {
    public var outcomes: [DeliveryOutcome]
    public var now: Date
    public var log: DeliveryAttemptLog
    public var verdict: EndpointVerdict

    public init(outcomes: [DeliveryOutcome], now: Date, log: DeliveryAttemptLog, verdict: EndpointVerdict) {
        self.outcomes = outcomes
        self.now = now
        self.log = log
        self.verdict = verdict
    }
}

/// What one group commit writes (`EventQueue.commit`): answered attempts in order, then claims given back.
public struct DeliveryCommit: Sendable, Equatable {
    public var attempts: [AttemptCompletion]
    /// Events claimed but not (or no longer) to be sent: back to pending untouched.
    public var releases: [String]
    public var releasedAt: Date
    /// The flush's window, recorded with the endpoint's state.
    public var window: Int?

    public init(attempts: [AttemptCompletion] = [], releases: [String] = [], releasedAt: Date, window: Int? = nil) {
        self.attempts = attempts
        self.releases = releases
        self.releasedAt = releasedAt
        self.window = window
    }

    public var isEmpty: Bool { attempts.isEmpty && releases.isEmpty }
}

/// What is left to deliver (`EventQueue.backlog`).
public struct DeliveryBacklog: Sendable, Equatable {
    public var pending: Int
    public var inFlight: Int
    /// Earliest `next_attempt_at` among pending events.
    public var nextAttemptAt: Date?

    public init(pending: Int, inFlight: Int, nextAttemptAt: Date?) {
        self.pending = pending
        self.inFlight = inFlight
        self.nextAttemptAt = nextAttemptAt
    }

    public var isEmpty: Bool { pending == 0 && inFlight == 0 }
}

/// The owner of the delivery engine's two tables, `delivery_attempts` and `endpoint_state`: the only code that
/// reads or writes them. Runs inside the queue's transactions (`EventQueue.commit`, `status`, `recentAttempts`),
/// so an attempt's row commits together with its events' outcomes.
enum DeliveryLog {
    /// The span `EndpointStatus.ratePerSecond` averages over, in seconds.
    static let rateInterval: Double = 60

    /// Appends one attempt row and moves the endpoint's state to `verdict`.
    static func record(_ log: DeliveryAttemptLog, verdict: EndpointVerdict, window: Int?, db: Database) throws {
        let ids = String(decoding: (try? JSONEncoder().encode(log.eventIDs)) ?? Data("[]".utf8), as: UTF8.self)
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO delivery_attempts (batch_id, endpoint, started_at, latency_ms, event_count, byte_count,
                    status_code, error, outcome, next_retry_at, event_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        try insert.execute(arguments: [
            log.batchID, log.endpoint, log.startedAt.timeIntervalSince1970, log.latencyMs, log.eventIDs.count,
            log.byteCount, log.statusCode, log.error, log.outcome, log.nextRetryAt?.timeIntervalSince1970, ids,
        ])
        let t = log.startedAt.timeIntervalSince1970
        let upsert = try db.cachedStatement(
            sql: """
                INSERT INTO endpoint_state (endpoint, state, reason, updated_at, last_success_at, window_size)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(endpoint) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                    updated_at = excluded.updated_at,
                    last_success_at = COALESCE(excluded.last_success_at, endpoint_state.last_success_at),
                    window_size = COALESCE(excluded.window_size, endpoint_state.window_size)
                """)
        try upsert.execute(arguments: [
            log.endpoint, verdict.stateName, verdict.reason, t, verdict == .healthy ? t : nil, window,
        ])
    }

    /// Every endpoint's state, with its window and its delivery rate over the `rateInterval` before `now`.
    static func endpoints(_ db: Database, now: Date) throws -> [EndpointStatus] {
        let since = now.timeIntervalSince1970 - rateInterval
        return try Row.fetchAll(
            db,
            sql: """
                SELECT e.*, (SELECT COALESCE(SUM(a.event_count), 0) FROM delivery_attempts a
                    WHERE a.started_at >= ? AND a.endpoint = e.endpoint AND a.outcome = 'delivered') AS recent
                FROM endpoint_state e ORDER BY e.endpoint
                """, arguments: [since]
        ).map { row in
            let recent: Int = row["recent"]
            return EndpointStatus(
                endpoint: row["endpoint"], state: row["state"], reason: row["reason"],
                updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
                lastSuccessAt: (row["last_success_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                window: row["window_size"], ratePerSecond: Double(recent) / rateInterval)
        }
    }

    /// The most recent attempts, newest first.
    static func recentAttempts(_ db: Database, limit: Int) throws -> [DeliveryAttemptRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM delivery_attempts ORDER BY id DESC LIMIT ?", arguments: [limit])
            .map { row in
                let idsText: String = row["event_ids"]
                let ids = (try? JSONDecoder().decode([String].self, from: Data(idsText.utf8))) ?? []
                return DeliveryAttemptRecord(
                    id: row["id"], batchID: row["batch_id"], endpoint: row["endpoint"],
                    startedAt: Date(timeIntervalSince1970: row["started_at"]), latencyMs: row["latency_ms"],
                    eventCount: row["event_count"], byteCount: row["byte_count"], statusCode: row["status_code"],
                    error: row["error"], outcome: row["outcome"],
                    nextRetryAt: (row["next_retry_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    eventIDs: ids)
            }
    }
}
