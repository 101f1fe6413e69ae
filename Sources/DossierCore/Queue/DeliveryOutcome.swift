import Foundation

/// What happens to one claimed event after a delivery attempt: decided by `DeliveryDecision`, applied to the
/// event's row by `QueueTransitions.apply` (§7). The one outcome type of the delivery engine.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The server accepted it (or reported a duplicate). Counts one attempt.
    case delivered(String)
    /// Send again at `at`. `consumeAttempt` is true when the server answered (5xx, 429...), false when it was
    /// unreachable: only server answers consume attempts. Whether attempts are exhausted is decided before
    /// (by `DeliveryDecision`, from the retry schedule): a retry always goes back to pending.
    case retry(String, at: Date, error: String, consumeAttempt: Bool)
    /// The server rejected it, or its attempts are exhausted: dead letter with the reason. Counts one attempt.
    case dead(String, reason: String)
    /// Give the claim back untouched (pause, shutdown, lease running out, never sent).
    case release(String)

    public var eventID: String {
        switch self {
        case .delivered(let id), .retry(let id, _, _, _), .dead(let id, _), .release(let id): id
        }
    }
}
