import Foundation

/// The state of a queued event.
public enum QueueState: String, CaseIterable, Sendable, Codable {
    /// Waiting to be sent (possibly in backoff until `next_attempt_at`).
    case pending
    /// Claimed by a delivery worker under a lease.
    case inFlight = "in_flight"
    /// Accepted by the server.
    case delivered
    /// Rejected by the server or out of attempts; a manual retry moves it back to pending.
    case dead
}

/// One row of the queue, as returned by `list` and `claimDue`. `body` is the exact canonical JSON stored and sent.
public struct QueuedEvent: Sendable, Equatable {
    public var seq: Int64
    public var eventID: String
    public var eventType: String
    public var featureSlug: String
    public var body: Data
    public var state: QueueState
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var enqueuedAt: Date
    public var deliveredAt: Date?

    public init(
        seq: Int64, eventID: String, eventType: String, featureSlug: String, body: Data, state: QueueState,
        attempts: Int, nextAttemptAt: Date, lastError: String?, leaseOwner: String?, leaseExpiresAt: Date?,
        enqueuedAt: Date, deliveredAt: Date?
    ) {
        self.seq = seq
        self.eventID = eventID
        self.eventType = eventType
        self.featureSlug = featureSlug
        self.body = body
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.enqueuedAt = enqueuedAt
        self.deliveredAt = deliveredAt
    }

    /// The mutable delivery state of this row, as the pure transition functions see it.
    public var row: QueueRow {
        QueueRow(
            state: state, attempts: attempts, nextAttemptAt: nextAttemptAt, lastError: lastError,
            leaseOwner: leaseOwner, leaseExpiresAt: leaseExpiresAt, deliveredAt: deliveredAt)
    }
}

/// Result of `EventQueue.append`.
public struct AppendResult: Sendable, Equatable {
    /// Events newly stored.
    public var inserted: Int
    /// Events whose `event_id` was already queued (a no-op).
    public var duplicates: Int

    public init(inserted: Int, duplicates: Int) {
        self.inserted = inserted
        self.duplicates = duplicates
    }
}

/// A delivery endpoint's state as recorded by the delivery engine (`endpoint_state` table).
public struct EndpointStatus: Sendable, Equatable, Codable {
    public var endpoint: String
    /// e.g. `active`, `paused`, `unreachable` (written by the delivery engine).
    public var state: String
    public var reason: String?
    public var updatedAt: Date
    public var lastSuccessAt: Date?
    /// Requests in flight the last flush to this endpoint allowed (nil before any flush recorded one).
    public var window: Int?
    /// Events delivered to this endpoint per second over the last `DeliveryLog.rateInterval` seconds.
    public var ratePerSecond: Double

    public init(
        endpoint: String, state: String, reason: String?, updatedAt: Date, lastSuccessAt: Date?, window: Int? = nil,
        ratePerSecond: Double = 0
    ) {
        self.endpoint = endpoint
        self.state = state
        self.reason = reason
        self.updatedAt = updatedAt
        self.lastSuccessAt = lastSuccessAt
        self.window = window
        self.ratePerSecond = ratePerSecond
    }
}

/// Summary of the queue (`dossier queue status`).
public struct QueueStatus: Sendable, Equatable {
    /// Rows per state; every state is present (0 when none).
    public var counts: [QueueState: Int]
    /// Age of the oldest pending event (now − enqueued_at), nil when none is pending.
    public var oldestPendingAge: TimeInterval?
    /// Earliest `next_attempt_at` among pending events, nil when none is pending.
    public var nextAttemptAt: Date?
    public var capacity: Int
    /// Events refused because the queue was at its cap (cumulative).
    public var refusedCount: Int
    public var endpoints: [EndpointStatus]

    /// pending + in_flight + dead: what counts against the cap.
    public var undelivered: Int { (counts[.pending] ?? 0) + (counts[.inFlight] ?? 0) + (counts[.dead] ?? 0) }
    public var total: Int { counts.values.reduce(0, +) }

    public init(
        counts: [QueueState: Int], oldestPendingAge: TimeInterval?, nextAttemptAt: Date?, capacity: Int,
        refusedCount: Int, endpoints: [EndpointStatus]
    ) {
        self.counts = counts
        self.oldestPendingAge = oldestPendingAge
        self.nextAttemptAt = nextAttemptAt
        self.capacity = capacity
        self.refusedCount = refusedCount
        self.endpoints = endpoints
    }
}

/// One delivery attempt as recorded by the delivery engine (`delivery_attempts` table).
public struct DeliveryAttemptRecord: Sendable, Equatable {
    public var id: Int64
    public var batchID: String
    public var endpoint: String
    public var startedAt: Date
    public var latencyMs: Double?
    public var eventCount: Int
    public var byteCount: Int
    public var statusCode: Int?
    public var error: String?
    public var outcome: String
    public var nextRetryAt: Date?
    /// Decoded from the stored JSON array.
    public var eventIDs: [String]

    public init(
        id: Int64, batchID: String, endpoint: String, startedAt: Date, latencyMs: Double?, eventCount: Int,
        byteCount: Int, statusCode: Int?, error: String?, outcome: String, nextRetryAt: Date?, eventIDs: [String]
    ) {
        self.id = id
        self.batchID = batchID
        self.endpoint = endpoint
        self.startedAt = startedAt
        self.latencyMs = latencyMs
        self.eventCount = eventCount
        self.byteCount = byteCount
        self.statusCode = statusCode
        self.error = error
        self.outcome = outcome
        self.nextRetryAt = nextRetryAt
        self.eventIDs = eventIDs
    }
}
