import DossierCore
import Foundation
import Testing

@testable import DossierTUI

@Suite struct DashboardQueueMappingTests {
    let now = Date(timeIntervalSince1970: 2_000_000_000)

    func attempt(_ id: Int64, ago: Double, status: Int?, events: Int) -> DeliveryAttemptRecord {
        DeliveryAttemptRecord(
            id: id, batchID: "b\(id)", endpoint: "http://x/webhook", startedAt: now.addingTimeInterval(-ago),
            latencyMs: 12.4, eventCount: events, byteCount: 100, statusCode: status,
            error: status == nil ? "refused" : nil,
            outcome: "o", nextRetryAt: nil, eventIDs: (0..<events).map { "e\($0)" })
    }

    @Test func throughputBucketsOnlySuccessfulAttemptsInTheWindow() {
        let attempts = [
            attempt(1, ago: 0.5, status: 200, events: 3), attempt(2, ago: 1.5, status: 200, events: 2),
            attempt(3, ago: 3, status: 200, events: 5), attempt(4, ago: 1, status: 500, events: 9),
            attempt(5, ago: 1, status: nil, events: 9), attempt(6, ago: 100, status: 200, events: 7),
        ]
        #expect(QueueViewMapping.throughput(attempts, now: now, buckets: 3, interval: 2) == [0, 5, 5])
    }

    @Test func parsesKeyTimestampAndPrettyEnvelope() {
        let body = Data(
            #"{"event_id":"x","event_type":"mission_dossier_artifact_indexed","payload":{"artifact_key":"spec","feature_slug":"f"},"timestamp":"2026-11-24T18:03:04Z"}"#
                .utf8)
        let p = QueueViewMapping.parse(body: body, featureSlug: "f")
        #expect(p.key == "spec")
        #expect(p.timestamp == "2026-11-24T18:03:04Z")
        #expect(p.pretty.contains("\n  \"event_id\" : \"x\""))
        let snap = QueueViewMapping.parse(body: Data(#"{"payload":{"feature_slug":"042-x"}}"#.utf8), featureSlug: "f")
        #expect(snap.key == "042-x")
        let junk = QueueViewMapping.parse(body: Data("not json\u{1B}".utf8), featureSlug: "f")
        #expect(junk.key == "f" && junk.pretty.contains("(not valid JSON)"))
    }

    @Test func endpointStateInWords() {
        let rec = { (state: String, reason: String?) in
            [
                EndpointStatus(
                    endpoint: "http://x", state: state, reason: reason, updatedAt: self.now, lastSuccessAt: nil)
            ]
        }
        #expect(
            QueueViewMapping.endpointState(endpoint: nil, recorded: [], flushing: false, pending: 0) == .unconfigured)
        #expect(
            QueueViewMapping.endpointState(endpoint: "http://x", recorded: [], flushing: true, pending: 1)
                == .delivering(endpoint: "http://x"))
        #expect(
            QueueViewMapping.endpointState(
                endpoint: "http://x", recorded: rec("active", nil), flushing: false, pending: 0)
                == .idle(endpoint: "http://x"))
        #expect(
            QueueViewMapping.endpointState(
                endpoint: "http://x", recorded: rec("paused", "HTTP 401"), flushing: false, pending: 3)
                == .paused(endpoint: "http://x", reason: "HTTP 401"))
        #expect(
            QueueViewMapping.endpointState(
                endpoint: "http://x", recorded: rec("unreachable", "refused"), flushing: false, pending: 3)
                == .offline(endpoint: "http://x", reason: "refused", since: now))
        // The dashboard's next try of an unreachable endpoint shows while events wait for it, never when none do.
        let retry = now.addingTimeInterval(16)
        #expect(
            QueueViewMapping.endpointState(
                endpoint: "http://x", recorded: rec("unreachable", "refused"), flushing: false, pending: 3,
                nextTry: retry)
                == .offline(endpoint: "http://x", reason: "refused", since: now, next: retry))
        #expect(
            QueueViewMapping.endpointState(
                endpoint: "http://x", recorded: rec("unreachable", "refused"), flushing: false, pending: 0,
                nextTry: retry)
                == .offline(endpoint: "http://x", reason: "refused", since: now))
        // Named by what happens: the retry time, what to check, since when it is down.
        let next = now.addingTimeInterval(72)
        #expect(
            QueueViewMapping.endpointState(
                endpoint: "http://x", recorded: rec("failing", "HTTP 500: oops"), flushing: false, pending: 3,
                nextAttempt: next
            ).label == "retrying (HTTP 500), next attempt \(Format.clock(next)) → http://x")
        #expect(
            EndpointState.paused(endpoint: "http://x", reason: "HTTP 401: refused our signature; check the secret")
                .label == "paused: 401 check the secret → http://x")
        let refused = { (id: Int64, at: Double, status: Int?) in
            DeliveryAttemptRecord(
                id: id, batchID: "b", endpoint: "http://x", startedAt: self.now.addingTimeInterval(at), latencyMs: nil,
                eventCount: 1, byteCount: 1, statusCode: status, error: nil, outcome: "x", nextRetryAt: nil,
                eventIDs: [])
        }
        let down = QueueViewMapping.endpointState(
            endpoint: "http://x", recorded: rec("unreachable", "connection refused"), flushing: false, pending: 3,
            attempts: [refused(3, -1, nil), refused(2, -30, nil), refused(1, -60, 200)])
        #expect(
            down.label
                == "unreachable since \(Format.clock(now.addingTimeInterval(-30))) (connection refused) → http://x")
    }

    @Test func summaryCountsAndAges() {
        let status = QueueStatus(
            counts: [.pending: 2, .inFlight: 1, .delivered: 7, .dead: 3], oldestPendingAge: 90,
            nextAttemptAt: now.addingTimeInterval(5), capacity: 100, refusedCount: 4, endpoints: [])
        let s = QueueViewMapping.summary(status, attempts: [], statusTime: now, now: now.addingTimeInterval(7))
        #expect(s.pending == 2 && s.inFlight == 1 && s.delivered == 7 && s.dead == 3 && s.total == 13)
        #expect(s.oldestPendingAt == now.addingTimeInterval(-90))
        #expect(s.refused == 4 && s.capacity == 100)
    }

    /// While the dashboard backs off an unreachable endpoint, the queue pane's next try is the back-off's end.
    @Test func aBackOffPostponesTheNextTryShown() {
        let status = QueueStatus(
            counts: [.pending: 2], oldestPendingAge: 90, nextAttemptAt: now, capacity: 100, refusedCount: 0,
            endpoints: [])
        let later = now.addingTimeInterval(32)
        #expect(QueueViewMapping.summary(status, attempts: [], statusTime: now, now: now).nextTryAt == now)
        let backingOff = QueueViewMapping.summary(status, attempts: [], statusTime: now, now: now, notBefore: later)
        #expect(backingOff.nextTryAt == later)
        #expect(backingOff.nextRetryAt == now, "the events are due: f flushes at once, without asking")
        let earlier = now.addingTimeInterval(-5)
        let over = QueueViewMapping.summary(status, attempts: [], statusTime: now, now: now, notBefore: earlier)
        #expect(over.nextTryAt == now, "a back-off already over changes nothing")
    }
}
