import DossierCore
import Foundation
import Testing

/// `f` in the dashboard after the receiver is fixed: backed-off pending events become due now, nothing else moves.
@Suite struct EventQueueBackoffTests {
    @Test func backedOffEventsBecomeDueNowAndNothingElseChanges() async throws {
        let dir = QueueTests.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try EventQueue(path: dir + "/state/queue.sqlite")
        try queue.append(QueueTests.events(10, slug: "042-login"))
        let now = Date()
        let claimed = try await queue.claimDue(now: now, limit: 10, maxBytes: 1 << 30, leaseSeconds: 600, owner: "t")
        #expect(claimed.count == 10)
        // 4 back off 20 minutes (HTTP 500), 2 are delivered, 1 dead, 3 released (due now).
        var outcomes: [DeliveryOutcome] = claimed.prefix(4).map {
            .retry($0.eventID, at: now.addingTimeInterval(1200), error: "HTTP 500", consumeAttempt: true)
        }
        outcomes += claimed[4..<6].map { .delivered($0.eventID) }
        outcomes.append(.dead(claimed[6].eventID, reason: "rejected: test"))
        outcomes += claimed[7...].map { .release($0.eventID) }
        _ = try await queue.complete(outcomes, owner: "t", now: now)
        #expect(try queue.backedOffCount(now: now) == 4)

        let later = now.addingTimeInterval(5)
        #expect(try queue.makeBackedOffDue(now: later) == 4)
        #expect(try queue.backedOffCount(now: later) == 0)
        let all = try queue.list(limit: 100, newestFirst: false)
        let retried = all.filter { e in claimed.prefix(4).contains { $0.eventID == e.eventID } }
        // Due at `later` (within a millisecond: a Date read back from seconds since 1970 may be one ULP off).
        #expect(
            retried.allSatisfy {
                $0.state == .pending && abs($0.nextAttemptAt.timeIntervalSince(later)) < 0.001 && $0.attempts == 1
            })
        #expect(retried.allSatisfy { $0.lastError == "HTTP 500" })  // the reason is kept
        #expect(all.filter { $0.state == .delivered }.count == 2)
        #expect(all.filter { $0.state == .dead }.count == 1)
        // Due now: a claim takes them (and the released ones) at once.
        let again = try await queue.claimDue(now: later, limit: 10, maxBytes: 1 << 30, leaseSeconds: 600, owner: "t")
        #expect(again.count == 7)
        #expect(try queue.makeBackedOffDue(now: later) == 0)
    }
}
