import Foundation

/// When the dashboard's next automatic flush is due. While the endpoint takes events: `interval` after the last
/// one started. After flushes that gave up (endpoint unreachable or paused, or the flush failed): waits that
/// double, `interval`·2, ·4, … up to `cap`, so a dead or misconfigured endpoint costs a few requests a minute, not
/// one every interval; the first flush that does not give up (a manual one, say) resets them. Pure: the data
/// source feeds it times and outcomes.
struct AutoFlushSchedule: Sendable, Equatable {
    let interval: Double
    let cap: Double
    /// Flushes (automatic or manual) in a row that gave up.
    private(set) var failuresInARow = 0
    private(set) var lastStart = Date.distantPast
    /// Set while backing off: no automatic flush before then.
    private(set) var backOffUntil: Date?

    init(interval: Double, cap: Double = 60) {
        self.interval = max(0.1, interval)
        self.cap = max(self.interval, cap)
    }

    func isDue(at now: Date) -> Bool {
        if let backOffUntil { return now >= backOffUntil }
        return now.timeIntervalSince(lastStart) >= interval
    }

    mutating func started(at now: Date) { lastStart = now }

    /// A flush ended; `gaveUp`: it stopped on an unreachable or paused endpoint, or failed outright.
    mutating func ended(gaveUp: Bool, at now: Date) {
        guard gaveUp else {
            failuresInARow = 0
            backOffUntil = nil
            return
        }
        failuresInARow = min(failuresInARow + 1, 32)
        backOffUntil = now.addingTimeInterval(delay(afterFailures: failuresInARow))
    }

    /// `interval`·2^k, at most `cap` (k capped: no overflow however long the outage).
    func delay(afterFailures k: Int) -> Double {
        min(cap, interval * pow(2, Double(min(max(k, 0), 20))))
    }
}
