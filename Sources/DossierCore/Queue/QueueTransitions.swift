import Foundation

/// What a delivery worker reports for one claimed event (DESIGN §6, §7).
public enum EventOutcome: Sendable, Equatable {
    /// The server accepted it (or reported a duplicate). Counts one attempt.
    case delivered(eventID: String)
    /// Send again at `at`. `consumeAttempt` is true when the server answered (5xx, 429...), false when it was
    /// unreachable or the endpoint is paused: only server answers consume attempts.
    case retry(eventID: String, at: Date, error: String, consumeAttempt: Bool)
    /// The server rejected it: dead letter with the reason. Counts one attempt.
    case dead(eventID: String, reason: String)
    /// Give the claim back untouched (e.g. shutdown before sending).
    case release(eventID: String)

    public var eventID: String {
        switch self {
        case .delivered(let id), .retry(let id, _, _, _), .dead(let id, _), .release(let id): id
        }
    }
}

/// The mutable delivery state of one queued event.
public struct QueueRow: Sendable, Equatable {
    public var state: QueueState
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var deliveredAt: Date?

    public init(
        state: QueueState, attempts: Int, nextAttemptAt: Date, lastError: String? = nil, leaseOwner: String? = nil,
        leaseExpiresAt: Date? = nil, deliveredAt: Date? = nil
    ) {
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.deliveredAt = deliveredAt
    }
}

/// The queue state machine (DESIGN §6), pure: the SQL layer reads rows, asks these functions, and writes back
/// what they return. `nil` means "not a legal transition: leave the row alone".
///
/// ```
/// pending ──claim──▶ in_flight ──delivered──▶ delivered
///    ▲                  │ ├──retry (attempts left)──▶ pending (next_attempt_at = at)
///    │                  │ ├──retry (attempts exhausted) / dead──▶ dead
///    └──release─────────┘ └──lease expired──▶ claimable again
/// dead ──manual retry──▶ pending (attempts reset)
/// ```
public enum QueueTransitions {
    /// Default attempts before an event goes dead (DESIGN §7: 8 attempts in all).
    public static let defaultMaxAttempts = 8

    /// Due for a claim: pending and `next_attempt_at <= now`, or in flight with an expired lease.
    public static func isClaimable(_ row: QueueRow, now: Date) -> Bool {
        switch row.state {
        case .pending: row.nextAttemptAt <= now
        case .inFlight: (row.leaseExpiresAt ?? .distantPast) <= now
        case .delivered, .dead: false
        }
    }

    /// Claims a due row for `owner` until `now + leaseSeconds`.
    public static func claim(_ row: QueueRow, owner: String, now: Date, leaseSeconds: Double) -> QueueRow? {
        guard isClaimable(row, now: now) else { return nil }
        var next = row
        next.state = .inFlight
        next.leaseOwner = owner
        next.leaseExpiresAt = now.addingTimeInterval(leaseSeconds)
        return next
    }

    /// Applies a worker's outcome. Only a row in flight and leased by `owner` changes (an expired lease that no
    /// one else took over still counts as held). Attempts count server answers; the `maxAttempts`-th consumed
    /// attempt that asks for a retry makes the event dead instead.
    public static func apply(_ outcome: EventOutcome, to row: QueueRow, owner: String, now: Date, maxAttempts: Int)
        -> QueueRow?
    {
        guard row.state == .inFlight, row.leaseOwner == owner else { return nil }
        var next = row
        next.leaseOwner = nil
        next.leaseExpiresAt = nil
        switch outcome {
        case .delivered:
            next.state = .delivered
            next.attempts += 1
            next.deliveredAt = now
            next.lastError = nil
        case .retry(_, let at, let error, let consume):
            if consume { next.attempts += 1 }
            if consume && next.attempts >= maxAttempts {
                next.state = .dead
                next.lastError = "attempts exhausted (\(next.attempts)/\(maxAttempts)): \(error)"
            } else {
                next.state = .pending
                next.nextAttemptAt = at
                next.lastError = error
            }
        case .dead(_, let reason):
            next.state = .dead
            next.attempts += 1
            next.lastError = reason
        case .release:
            next.state = .pending
        }
        return next
    }

    /// Manual retry: dead → pending, due now, attempts reset; the last error is kept for history.
    public static func retryDead(_ row: QueueRow, now: Date) -> QueueRow? {
        guard row.state == .dead else { return nil }
        var next = row
        next.state = .pending
        next.attempts = 0
        next.nextAttemptAt = now
        return next
    }
}
