import Foundation

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

/// The queue state machine, pure: the SQL layer reads rows, asks these functions, and writes back
/// what they return. `nil` means "not a legal transition: leave the row alone". Claiming (pending and due, or
/// in flight with an expired lease) is one SQL statement, `EventQueue.claimDue`, and is tested there.
///
/// ```
/// pending ──claim──▶ in_flight ──delivered──▶ delivered
///    ▲                  │ ├──retry──▶ pending (next_attempt_at = at)
///    │                  │ ├──dead (rejected, or attempts exhausted)──▶ dead
///    └──release─────────┘ └──lease expired──▶ claimable again
/// dead ──manual retry──▶ pending (attempts reset)
/// ```
public enum QueueTransitions {
    /// Applies a worker's outcome. Only a row in flight and leased by `owner` changes (an expired lease that no
    /// one else took over still counts as held). Attempts count server answers. Exhaustion is not decided here:
    /// `DeliveryDecision` already turned an exhausted retry into `.dead` (one rule, from the retry schedule).
    public static func apply(_ outcome: DeliveryOutcome, to row: QueueRow, owner: String, now: Date) -> QueueRow? {
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
            next.state = .pending
            next.nextAttemptAt = at
            next.lastError = error
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
