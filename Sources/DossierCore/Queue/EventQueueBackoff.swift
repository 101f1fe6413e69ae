import Foundation
import GRDB

/// Sending backed-off events now: after a user fixed the receiver, events that failed earlier need not wait out
/// their back-off (up to many minutes) before the next flush sends them.
extension EventQueue {
    /// Pending events whose next attempt is later than `now` (waiting for their back-off).
    public func backedOffCount(now: Date = Date()) throws(QueueError) -> Int {
        try read("count backed-off events") { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM events WHERE state = 'pending' AND next_attempt_at > ?",
                arguments: [now.timeIntervalSince1970]) ?? 0
        }
    }

    /// Makes every backed-off pending event due at `now` (attempts and last error kept). Returns how many.
    @discardableResult
    public func makeBackedOffDue(now: Date = Date()) throws(QueueError) -> Int {
        try write("make backed-off events due") { db in
            try db.execute(
                sql: "UPDATE events SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?",
                arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
