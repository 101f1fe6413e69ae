import DossierCore
import Foundation
import GRDB
import Testing

@testable import DossierReceiver

/// A flush that cannot go on says which step failed and carries the queue's typed error (database, operation,
/// message); nothing queued is lost. Failures are injected with a trigger on the real queue database.
@Suite struct DeliveryErrorTests {
    /// Adds a trigger that aborts `operation` on `table` with `message`.
    static func inject(_ harness: DeliveryHarness, table: String, operation: String, message: String) throws {
        let db = try DatabaseQueue(path: harness.queue.path)
        try db.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER injected_failure BEFORE \(operation) ON \(table)
                    BEGIN SELECT RAISE(ABORT, '\(message)'); END
                    """)
        }
        try db.close()
    }

    @Test func aClaimThatFailsIsAClaimErrorWithTheQueueError() async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        try h.queue.append(EventFactory.events(count: 5))
        try Self.inject(h, table: "events", operation: "UPDATE", message: "claim refused (injected)")
        let worker = h.worker(port: 9)
        let result: Result<FlushSummary, DeliveryError>
        do { result = .success(try await worker.flush()) } catch { result = .failure(error) }
        await worker.shutdown()
        do throws(DeliveryError) {
            _ = try result.get()
            Issue.record("the flush succeeded")
        } catch {
            guard case .claim(let queueError) = error else {
                Issue.record("not a claim error: \(error)")
                return
            }
            guard case .database(let path, let operation, let message) = queueError else {
                Issue.record("not a database error: \(queueError)")
                return
            }
            #expect(path == h.queue.path)
            #expect(operation == "claim")
            #expect(message.contains("claim refused (injected)"))
            #expect(error.description.hasPrefix("cannot claim events: queue database \(h.queue.path): claim failed"))
        }
        #expect(try h.queue.status().counts[.pending] == 5, "nothing may be lost or changed")
    }

    @Test func aCommitThatFailsIsARecordErrorAndNothingIsLost() async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        try h.queue.append(EventFactory.events(count: 5))
        try Self.inject(h, table: "delivery_attempts", operation: "INSERT", message: "log refused (injected)")
        // Port 9 on loopback refuses at once: an unanswered attempt, whose commit writes an attempt row.
        let worker = h.worker(port: 9)
        let result: Result<FlushSummary, DeliveryError>
        do { result = .success(try await worker.flush()) } catch { result = .failure(error) }
        await worker.shutdown()
        do throws(DeliveryError) {
            _ = try result.get()
            Issue.record("the flush succeeded")
        } catch {
            guard case .record(let queueError) = error else {
                Issue.record("not a record error: \(error)")
                return
            }
            #expect(queueError.description.contains("log refused (injected)"))
            #expect(error.description.hasPrefix("cannot record delivery attempts: queue database \(h.queue.path)"))
        }
        let counts = try h.queue.status().counts
        #expect(counts[.delivered] == 0 && counts[.dead] == 0)
        #expect((counts[.pending] ?? 0) + (counts[.inFlight] ?? 0) == 5, "every event is still to deliver: \(counts)")
    }
}
