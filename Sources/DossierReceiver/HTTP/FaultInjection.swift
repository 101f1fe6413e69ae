import Foundation
import Synchronization

/// Faults the reference receiver injects so retries and dead letters are reproducible.
public struct FaultConfiguration: Sendable, Equatable {
    /// Probability of answering 500 to a request (0…1).
    public var failRate: Double = 0
    /// Statuses answered to the first requests, in order (e.g. 500, 429, 503); afterwards normal service.
    public var statusSequence: [Int] = []
    /// `Retry-After` seconds sent with injected 429/503 answers.
    public var retryAfter: Int?
    /// Delay before answering, in milliseconds.
    public var latencyMs: Int = 0
    /// Events of this `event_type` are answered `rejected` (a poison event type).
    public var rejectEventType: String?
    /// When true, a batch holding a `rejectEventType` event is refused whole with 422 and no per-event results
    /// (the sender must bisect to find it); when false the event is answered `rejected` in the results.
    public var rejectWholeBatch: Bool = false
    /// When true, each `rejectEventType` event is rejected the first time it arrives only: its retry (same
    /// `event_id`) is accepted, so a dead letter can be cleared (the demo's `r`).
    public var rejectOnce: Bool = false
    /// Probability of closing the connection without an answer (0…1).
    public var dropConnectionRate: Double = 0
    /// Seed of the fault generator (same seed, same sequence of faults).
    public var seed: UInt64 = 1
    /// When set, requests after the first `holdAfter` are held unanswered (never stored) until the client gives
    /// up: a flush caught mid-course stays there however slowly a loaded machine polls it.
    public var holdAfter: Int?

    public init(
        failRate: Double = 0, statusSequence: [Int] = [], retryAfter: Int? = nil, latencyMs: Int = 0,
        rejectEventType: String? = nil, dropConnectionRate: Double = 0, seed: UInt64 = 1
    ) {
        self.failRate = failRate
        self.statusSequence = statusSequence
        self.retryAfter = retryAfter
        self.latencyMs = latencyMs
        self.rejectEventType = rejectEventType
        self.dropConnectionRate = dropConnectionRate
        self.seed = seed
    }
}

/// What the receiver does with one incoming webhook request before (or instead of) processing it.
public enum FaultAction: Sendable, Equatable {
    case proceed
    case dropConnection
    case answer(status: Int, retryAfter: Int?)
    /// Keep the request unanswered (`holdAfter`).
    case hold
}

/// Decides the fault for each request, from a seeded generator (SplitMix64). Pure given its state;
/// thread-safe.
public final class FaultInjector: Sendable {
    let configuration: FaultConfiguration
    private let state: Mutex<(rng: UInt64, served: Int)>
    /// With `rejectOnce`: the `event_id`s rejected so far.
    private let rejected = Mutex<Set<String>>([])

    public init(_ configuration: FaultConfiguration) {
        self.configuration = configuration
        self.state = Mutex((configuration.seed, 0))
    }

    static func next(_ x: inout UInt64) -> Double {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    /// Whether an event of type `eventType` is to be rejected now (`rejectEventType`, once per event id with
    /// `rejectOnce`).
    public func rejects(eventType: String, eventID: String) -> Bool {
        guard let poison = configuration.rejectEventType, eventType == poison else { return false }
        guard configuration.rejectOnce else { return true }
        return rejected.withLock { $0.insert(eventID).inserted }
    }

    /// The fault for the next request.
    public func nextAction() -> FaultAction {
        let c = configuration
        return state.withLock { s in
            let index = s.served
            s.served += 1
            if let holdAfter = c.holdAfter, index >= holdAfter { return .hold }
            if index < c.statusSequence.count {
                let status = c.statusSequence[index]
                return .answer(status: status, retryAfter: (status == 429 || status == 503) ? c.retryAfter : nil)
            }
            let drop = Self.next(&s.rng)
            let fail = Self.next(&s.rng)
            if drop < c.dropConnectionRate { return .dropConnection }
            if fail < c.failRate {
                // One injected failure in four is a 429 with Retry-After when one is configured.
                let kind = Self.next(&s.rng)
                if c.retryAfter != nil && kind < 0.25 { return .answer(status: 429, retryAfter: c.retryAfter) }
                return .answer(status: 500, retryAfter: nil)
            }
            return .proceed
        }
    }
}
