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
}

/// One attempt's results waiting to be written: the outcomes, when, the attempt row and the endpoint verdict.
public struct AttemptCompletion: Sendable {
    public var outcomes: [EventOutcome]
    public var now: Date
    public var log: DeliveryAttemptLog
    public var verdict: EndpointVerdict

    public init(outcomes: [EventOutcome], now: Date, log: DeliveryAttemptLog, verdict: EndpointVerdict) {
        self.outcomes = outcomes
        self.now = now
        self.log = log
        self.verdict = verdict
    }
}

extension EventQueue {
    /// Writes one row of `delivery_attempts` and the endpoint's state, in one transaction.
    public func recordAttempt(_ log: DeliveryAttemptLog, endpointState verdict: EndpointVerdict) throws(QueueError) {
        let ids = String(decoding: (try? JSONEncoder().encode(log.eventIDs)) ?? Data("[]".utf8), as: UTF8.self)
        try writeTransaction("record delivery attempt") { db in
            try db.execute(
                sql: """
                    INSERT INTO delivery_attempts (batch_id, endpoint, started_at, latency_ms, event_count, byte_count,
                        status_code, error, outcome, next_retry_at, event_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    log.batchID, log.endpoint, log.startedAt.timeIntervalSince1970, log.latencyMs, log.eventIDs.count,
                    log.byteCount, log.statusCode, log.error, log.outcome, log.nextRetryAt?.timeIntervalSince1970, ids,
                ])
            try Self.upsertEndpoint(db, endpoint: log.endpoint, verdict: verdict, now: log.startedAt)
        }
    }

    /// Applies a worker's outcomes for one attempt (same transitions as `complete`, via
    /// `QueueTransitions.apply`: only rows still in flight and leased by `owner` change) AND records the attempt
    /// and the endpoint state, in ONE transaction (one fsync per batch instead of two). Returns rows changed.
    @discardableResult
    public func completeAndRecord(
        _ outcomes: [EventOutcome], owner: String, now: Date, log: DeliveryAttemptLog,
        endpointState verdict: EndpointVerdict
    ) throws(QueueError) -> Int {
        try completeAndRecord(
            [AttemptCompletion(outcomes: outcomes, now: now, log: log, verdict: verdict)], owner: owner)
    }

    /// Several attempts' `completeAndRecord` in ONE transaction, in order (group commit). `maxAttempts` is the
    /// delivery schedule's (it decides when retries are exhausted); nil uses the queue's own cap.
    @discardableResult
    public func completeAndRecord(_ completions: [AttemptCompletion], owner: String, maxAttempts: Int? = nil)
        throws(QueueError) -> Int
    {
        let maxAttempts = maxAttempts ?? self.maxAttempts
        return try writeTransaction("complete delivery attempts") { db in
            var applied = 0
            for completion in completions {
                let (outcomes, now, log, verdict) = (
                    completion.outcomes, completion.now, completion.log, completion.verdict
                )
                let ids = String(decoding: (try? JSONEncoder().encode(log.eventIDs)) ?? Data("[]".utf8), as: UTF8.self)
                let select = try db.cachedStatement(
                    sql: """
                        SELECT seq, state, attempts, next_attempt_at, last_error, lease_owner, lease_expires_at, delivered_at
                        FROM events WHERE event_id = ?
                        """)
                let update = try db.cachedStatement(
                    sql: """
                        UPDATE events SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, lease_owner = ?,
                            lease_expires_at = ?, delivered_at = ? WHERE seq = ?
                        """)
                for outcome in outcomes {
                    guard let r = try Row.fetchOne(select, arguments: [outcome.eventID]) else { continue }
                    let row = QueueRow(
                        state: QueueState(rawValue: r["state"]) ?? .pending, attempts: r["attempts"],
                        nextAttemptAt: Date(timeIntervalSince1970: r["next_attempt_at"]), lastError: r["last_error"],
                        leaseOwner: r["lease_owner"],
                        leaseExpiresAt: (r["lease_expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        deliveredAt: (r["delivered_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
                    guard
                        let next = QueueTransitions.apply(
                            outcome, to: row, owner: owner, now: now, maxAttempts: maxAttempts)
                    else { continue }
                    let seq: Int64 = r["seq"]
                    try update.execute(arguments: [
                        next.state.rawValue, next.attempts, next.nextAttemptAt.timeIntervalSince1970, next.lastError,
                        next.leaseOwner, next.leaseExpiresAt?.timeIntervalSince1970,
                        next.deliveredAt?.timeIntervalSince1970,
                        seq,
                    ])
                    applied += 1
                }
                try db.execute(
                    sql: """
                        INSERT INTO delivery_attempts (batch_id, endpoint, started_at, latency_ms, event_count, byte_count,
                            status_code, error, outcome, next_retry_at, event_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        log.batchID, log.endpoint, log.startedAt.timeIntervalSince1970, log.latencyMs,
                        log.eventIDs.count,
                        log.byteCount, log.statusCode, log.error, log.outcome, log.nextRetryAt?.timeIntervalSince1970,
                        ids,
                    ])
                try Self.upsertEndpoint(db, endpoint: log.endpoint, verdict: verdict, now: log.startedAt)
            }
            return applied
        }
    }

    /// Sets the endpoint's state (`active`, `failing`, `paused`, `unreachable`) and reason.
    public func setEndpointState(_ endpoint: String, _ verdict: EndpointVerdict, now: Date) throws(QueueError) {
        try writeTransaction("set endpoint state") { db in
            try Self.upsertEndpoint(db, endpoint: endpoint, verdict: verdict, now: now)
        }
    }

    static func upsertEndpoint(_ db: Database, endpoint: String, verdict: EndpointVerdict, now: Date) throws {
        let t = now.timeIntervalSince1970
        let success: Double? = verdict == .healthy ? t : nil
        try db.execute(
            sql: """
                INSERT INTO endpoint_state (endpoint, state, reason, updated_at, last_success_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(endpoint) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                    updated_at = excluded.updated_at,
                    last_success_at = COALESCE(excluded.last_success_at, endpoint_state.last_success_at)
                """, arguments: [endpoint, verdict.stateName, verdict.reason, t, success])
    }
}
