import Foundation
import Testing

@testable import DossierCore

@Suite struct BackoffTests {
    @Test func defaultScheduleHasEightAttempts() {
        let s = RetrySchedule.standard
        #expect(s.maxAttempts == 8)
        let mid = (1...7).map { s.delay(afterFailedAttempts: $0, random: 0.5)! }
        #expect(mid == [5, 300, 1800, 7200, 18000, 36000, 36000])
        #expect(s.delay(afterFailedAttempts: 8, random: 0.5) == nil)
        #expect(s.delay(afterFailedAttempts: 0, random: 0.5) == nil)
    }

    @Test func jitterStaysWithinTwentyPercent() {
        let s = RetrySchedule.standard
        #expect(s.delay(afterFailedAttempts: 2, random: 0) == 240)
        #expect(abs(s.delay(afterFailedAttempts: 2, random: 0.999_999)! - 360) < 0.01)
        for r in stride(from: 0.0, to: 1.0, by: 0.05) {
            let d = s.delay(afterFailedAttempts: 3, random: r)!
            #expect(d >= 1440 && d <= 2160)
        }
    }

    @Test func retryAfterReplacesTheDelayButIsCapped() {
        let s = RetrySchedule(delays: [1, 2], jitter: 0, retryAfterCap: 60)
        #expect(s.delay(afterFailedAttempts: 1, retryAfter: 30, random: 0.1) == 30)
        #expect(s.delay(afterFailedAttempts: 1, retryAfter: 7200, random: 0.1) == 60)
        #expect(s.delay(afterFailedAttempts: 3, retryAfter: 30, random: 0.1) == nil)
    }

    @Test func parsesRetryAfterSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds(" 0 ", now: now) == 0)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:51:37 GMT", now: now) == 120)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
        #expect(RetryAfter.seconds("-5", now: now) == nil)
        #expect(RetryAfter.seconds("", now: now) == nil)
    }
}
