import Foundation

/// What the endpoint's state becomes after an attempt.
public enum EndpointVerdict: Sendable, Equatable {
    /// It answered and accepted at least the request (2xx).
    case healthy
    /// It answered with a transient failure (408/429/5xx or a malformed answer); events retry later.
    case failing(String)
    /// Authentication or configuration problem (401/403/404/410, 3xx, other 4xx): stop, say why, consume nothing.
    case paused(String)
    /// No answer at all (connection error, timeout): stop for now, consume nothing.
    case unreachable(String)

    /// The `endpoint_state.state` value.
    public var stateName: String {
        switch self {
        case .healthy: "active"
        case .failing: "failing"
        case .paused: "paused"
        case .unreachable: "unreachable"
        }
    }

    public var reason: String? {
        switch self {
        case .healthy: nil
        case .failing(let r), .paused(let r), .unreachable(let r): r
        }
    }
}
