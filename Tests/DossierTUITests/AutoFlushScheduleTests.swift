import Foundation
import Testing

@testable import DossierTUI

/// The dashboard's automatic flushes: every interval while the endpoint takes events, doubling waits (capped) while
/// flushes give up on it, and back to the interval after the first flush that does not.
@Suite struct AutoFlushScheduleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func whileTheEndpointAnswersAFlushIsDueEveryInterval() {
        var s = AutoFlushSchedule(interval: 2)
        #expect(s.isDue(at: t0), "nothing ran yet")
        s.started(at: t0)
        s.ended(gaveUp: false, at: t0.addingTimeInterval(0.5))
        #expect(!s.isDue(at: t0.addingTimeInterval(1.9)))
        #expect(s.isDue(at: t0.addingTimeInterval(2)))
        #expect(s.backOffUntil == nil)
    }

    @Test func anUnreachableEndpointIsTriedAtDoublingIntervalsUpToTheCap() throws {
        var s = AutoFlushSchedule(interval: 2, cap: 60)
        var now = t0
        var waits: [Double] = []
        for _ in 0..<8 {
            s.started(at: now)
            now = now.addingTimeInterval(1)  // the flush's own unanswered rounds
            s.ended(gaveUp: true, at: now)
            let until = try #require(s.backOffUntil)
            #expect(!s.isDue(at: until.addingTimeInterval(-0.01)) && s.isDue(at: until))
            waits.append(until.timeIntervalSince(now))
            now = until
        }
        #expect(waits == [4, 8, 16, 32, 60, 60, 60, 60])
        // The first answered flush (a manual one, say) ends the back-off.
        s.started(at: now)
        s.ended(gaveUp: false, at: now.addingTimeInterval(0.1))
        #expect(s.backOffUntil == nil && s.failuresInARow == 0)
        #expect(s.isDue(at: now.addingTimeInterval(2)))
    }

    @Test func aLongOutageNeverOverflows() {
        var s = AutoFlushSchedule(interval: 2, cap: 60)
        for i in 0..<10_000 { s.ended(gaveUp: true, at: t0.addingTimeInterval(Double(i))) }
        #expect(s.delay(afterFailures: Int.max) == 60 && s.delay(afterFailures: -5) == 2)
        #expect(s.backOffUntil == t0.addingTimeInterval(9_999 + 60))
    }

    @Test func theHeaderSaysWhenTheNextTryIs() {
        let state = EndpointState.offline(
            endpoint: "http://x", reason: "connection refused", since: t0, next: t0.addingTimeInterval(64))
        #expect(state.summary.hasPrefix("unreachable since "))
        #expect(state.summary.contains("(connection refused), next try "))
    }
}
