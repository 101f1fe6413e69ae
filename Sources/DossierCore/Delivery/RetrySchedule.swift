import Foundation

/// The after-failure delays of delivery: by default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h,
/// i.e. 8 attempts in all, each delay jittered by ±20 %. Pure: randomness comes in as a number in [0, 1).
public struct RetrySchedule: Sendable, Equatable {
    /// Delay after the 1st, 2nd, … failed attempt, in seconds. `delays.count + 1` attempts in all.
    public var delays: [Double]
    /// Relative jitter: a delay `d` becomes a value in `[d·(1-jitter), d·(1+jitter)]`.
    public var jitter: Double
    /// Upper bound on a server's `Retry-After`, in seconds.
    public var retryAfterCap: Double

    public init(delays: [Double], jitter: Double = 0.2, retryAfterCap: Double = 3600) {
        self.delays = delays
        self.jitter = jitter
        self.retryAfterCap = retryAfterCap
    }

    /// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; ±20 %; Retry-After capped at 1 h.
    public static let standard = RetrySchedule(delays: [5, 300, 1800, 7200, 18000, 36000, 36000])

    /// Attempts an event gets in all before it is `dead`.
    public var maxAttempts: Int { delays.count + 1 }

    /// The delay before the next attempt, after `consumedAttempts` failed attempts (this one included),
    /// or nil when the attempts are exhausted. `retryAfter` (seconds, from the server) replaces the
    /// schedule's delay, capped at `retryAfterCap`. `random` is in [0, 1).
    public func delay(afterFailedAttempts consumedAttempts: Int, retryAfter: Double? = nil, random: Double) -> Double? {
        guard consumedAttempts >= 1, consumedAttempts < maxAttempts else { return nil }
        if let retryAfter { return max(0, min(retryAfter, retryAfterCap)) }
        let base = delays[consumedAttempts - 1]
        let factor = 1 + jitter * (2 * min(max(random, 0), 1) - 1)
        return max(0, base * factor)
    }
}

/// Parses an HTTP `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Pure.
public enum RetryAfter {
    /// Seconds to wait from `now`, or nil when the value is neither form. Past dates give 0.
    public static func seconds(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return Double(text)
        }
        return HTTPDate.parse(text).map { max(0, $0.timeIntervalSince(now)) }
    }
}
