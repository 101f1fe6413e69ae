import DossierCore
import Foundation
import Testing

@testable import DossierReceiver

/// Delivery over real loopback HTTP into the real receiver (on either store: see `StoreKind.testable`), from the
/// real GRDB queue.
@Suite(.serialized) struct DeliveryIntegrationTests {
    @Test(arguments: StoreKind.testable)
    func allFourTypesArriveIntactAndSigned(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        let (receiver, port) = try await h.startReceiver(kind: kind)
        let events = EventFactory.events(count: 40, features: 2)
        try h.queue.append(events)
        let worker = h.worker(port: port)
        let summary = try await worker.flush()
        await worker.shutdown()
        #expect(summary.delivered == 40 && summary.dead == 0 && summary.retried == 0)
        #expect(try await receiver.store.eventCount() == 40)
        let queued = try h.queue.events(ids: events.map(\.eventID))
        #expect(queued.allSatisfy { $0.state == .delivered && $0.attempts == 1 })
        for event in queued {
            // Byte-identical envelopes: what the queue stored is what the receiver stored.
            #expect(try await receiver.store.storedBody(eventID: event.eventID) == event.body)
        }
        #expect(Set(queued.map(\.eventType)) == Set(EventType.allCases.map(\.rawValue)))
        let attempts = try h.queue.recentAttempts(limit: 10)
        #expect(attempts.count == 1 && attempts[0].statusCode == 200 && attempts[0].outcome == "delivered")
        #expect(try h.queue.status().endpoints.first?.state == "active")
        // The factory's snapshots claim parity hashes their artifacts do not reproduce: never served, pending.
        await #expect {
            try await RemoteBaselineClient().fetch(
                endpoint: "http://127.0.0.1:\(port)/webhook", featureSlug: "feature-0")
        } throws: { error in
            guard case .pending(_, "feature-0", let snapshot, let missing)? = error as? RemoteBaselineError else {
                return false
            }
            return snapshot.hasPrefix("snap-") && missing >= 1
        }
        // A real scan's events reproduce its parity: the reduced state is served as a Baseline drift can decode.
        let files = [("spec.md", ScanFixtures.hash("s")), ("plan.md", ScanFixtures.hash("p"))]
        try h.queue.append(ScanFixtures.scan(slug: "verified", files: files, start: Date()))
        let second = h.worker(port: port)
        _ = try await second.flush(untilEmpty: true)
        await second.shutdown()
        let baseline = try await RemoteBaselineClient().fetch(
            endpoint: "http://127.0.0.1:\(port)/webhook", featureSlug: "verified")
        #expect(baseline.featureSlug == "verified")
        #expect(baseline.entries.map(\.relativePath) == ["plan.md", "spec.md"])
        #expect(baseline.parityHashSHA256 == ParityHash.compute(files.map { ($0.0, $0.1) }))
        await #expect(throws: RemoteBaselineError.self) {
            try await RemoteBaselineClient().fetch(endpoint: "http://127.0.0.1:\(port)", featureSlug: "nope")
        }
        await receiver.stop()
    }

    @Test(arguments: StoreKind.testable)
    func receiverRejectsTamperedBodyWrongSecretAndStaleTimestamp(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        let (receiver, port) = try await h.startReceiver(kind: kind)
        let transport = HTTPWebhookTransport(requestTimeout: 10)
        let url = "http://127.0.0.1:\(port)/webhook"
        let batch = DeliveryBatch(
            items: EventFactory.events(count: 3).map { BatchItem(eventID: $0.eventID, body: $0.canonicalJSON()) })
        func headers(_ h: WebhookHeaders) -> [(String, String)] {
            [("webhook-id", h.id), ("webhook-timestamp", String(h.timestamp)), ("webhook-signature", h.signature)]
        }
        let now = Int64(Date().timeIntervalSince1970)
        let good = StandardWebhooks.sign(id: batch.id, timestamp: now, body: batch.body, secret: h.secret)
        var tampered = batch.body
        tampered[tampered.count - 5] ^= 0x01
        let answers = [
            await transport.post(url: url, headers: headers(good), body: tampered),
            await transport.post(
                url: url,
                headers: headers(
                    StandardWebhooks.sign(id: batch.id, timestamp: now, body: batch.body, secret: .generate())),
                body: batch.body),
            await transport.post(
                url: url,
                headers: headers(
                    StandardWebhooks.sign(id: batch.id, timestamp: now - 600, body: batch.body, secret: h.secret)),
                body: batch.body),
            await transport.post(url: url, headers: [], body: batch.body),
        ]
        for answer in answers {
            guard case .http(let status, _, _, _) = answer else {
                Issue.record("no answer: \(answer)")
                continue
            }
            #expect(status == 401)
        }
        #expect(try await receiver.store.eventCount() == 0)
        // The genuine request is accepted, and a replay is absorbed as duplicates.
        for expected in ["accepted", "duplicate"] {
            guard
                case .http(200, let body, _, _) = await transport.post(
                    url: url, headers: headers(good), body: batch.body)
            else {
                Issue.record("genuine request refused")
                continue
            }
            let results = try #require(try JSONSerialization.jsonObject(with: body) as? [String: [[String: String]]])
            #expect(results["results"]?.map { $0["status"] } == [expected, expected, expected])
        }
        // Oversized body: 413.
        guard
            case .http(413, _, _, _) = await transport.post(
                url: url, headers: headers(good), body: Data(count: 2 << 20))
        else {
            Issue.record("expected 413")
            return
        }
        #expect(try await receiver.store.eventCount() == 3)
        await transport.shutdown()
        await receiver.stop()
    }

    @Test(arguments: StoreKind.testable)
    func poisonEventsAmongAThousandAreDeadAndRetryRequeuesThem(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        // One poison (parity drift) event per 100; the rest cycle through the other three types.
        var events = EventFactory.events(
            count: 990, typeCycle: [.artifactIndexed, .artifactMissing, .snapshotComputed])
        let poison = EventFactory.events(count: 10, typeCycle: [.parityDriftDetected])
        for (i, p) in poison.enumerated() { events.insert(p, at: i * 100 + 37) }
        try h.queue.append(events)
        let poisonType = EventType.parityDriftDetected.rawValue
        let (receiver, port) = try await h.startReceiver(
            faults: FaultConfiguration(rejectEventType: poisonType), kind: kind)
        let worker = h.worker(port: port)
        let summary = try await worker.flush(untilEmpty: true)
        #expect(summary.delivered == 990 && summary.dead == 10)
        let dead = try h.queue.list(state: .dead, limit: 100)
        #expect(Set(dead.map(\.eventID)) == Set(poison.map(\.eventID)))
        #expect(dead.allSatisfy { $0.lastError?.contains("--reject-event-type") == true })
        #expect(try await receiver.store.eventCount() == 990)
        await receiver.stop()
        // The receiver stops rejecting; `queue retry` (retryDead) requeues and the next flush delivers.
        let (fixed, port2) = try await h.startReceiver(kind: kind)
        #expect(try h.queue.retryDead(eventIDs: nil) == 10)
        let worker2 = h.worker(port: port2)
        let again = try await worker2.flush(untilEmpty: true)
        await worker2.shutdown()
        #expect(again.delivered == 10 && again.dead == 0)
        #expect(try await fixed.store.eventCount() == 1000)
        await worker.shutdown()
        await fixed.stop()
    }

    @Test(arguments: StoreKind.testable)
    func batchRefusedWithoutResultsIsBisectedToThePoisonEvent(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        var events = EventFactory.events(count: 199, typeCycle: [.artifactIndexed, .snapshotComputed])
        let poison = EventFactory.events(count: 1, typeCycle: [.parityDriftDetected])[0]
        events.insert(poison, at: 73)
        try h.queue.append(events)
        var faults = FaultConfiguration(rejectEventType: EventType.parityDriftDetected.rawValue)
        faults.rejectWholeBatch = true
        let (receiver, port) = try await h.startReceiver(faults: faults, kind: kind)
        let worker = h.worker(port: port)
        let summary = try await worker.flush(untilEmpty: true)
        await worker.shutdown()
        #expect(summary.delivered == 199 && summary.dead == 1)
        let dead = try h.queue.list(state: .dead)
        #expect(dead.map(\.eventID) == [poison.eventID])
        #expect(dead.first?.lastError?.contains("422") == true)
        let labels = try h.queue.recentAttempts(limit: 100).map(\.outcome)
        #expect(labels.contains("bisect"))
        #expect(try await receiver.store.eventCount() == 199)
        await receiver.stop()
    }

    @Test(arguments: StoreKind.testable)
    func unreachableReceiverPausesWithoutKillingAndLaterDelivers(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        // Find a free port, then leave it closed.
        let (probe, port) = try await h.startReceiver(kind: kind)
        await probe.stop()
        let events = EventFactory.events(count: 250)
        try h.queue.append(events)
        let worker = h.worker(port: port) {
            $0.maxConsecutiveUnreachable = 3
            $0.connectTimeout = 0.5
        }
        let down = try await worker.flush(untilEmpty: true)
        #expect(down.unreachable && down.dead == 0 && down.delivered == 0)
        #expect(down.attempts == 3)
        let status = try h.queue.status()
        #expect(status.counts[.dead] == 0 && status.counts[.pending] == 250)
        #expect(try h.queue.list(state: .pending, limit: 300).allSatisfy { $0.attempts == 0 })
        #expect(status.endpoints.first?.state == "unreachable")
        // It comes back on the same port.
        let (receiver, samePort) = try await h.startReceiver(port: port, kind: kind)
        #expect(samePort == port)
        let up = try await worker.flush(untilEmpty: true)
        await worker.shutdown()
        #expect(up.delivered == 250 && !up.unreachable)
        #expect(try await receiver.store.eventCount() == 250)
        #expect(try h.queue.status().endpoints.first?.state == "active")
        await receiver.stop()
    }

    @Test(arguments: StoreKind.testable)
    func flakyReceiverGetsEveryEventExactlyOnceAndOnlyAnswersCountAsAttempts(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        let events = EventFactory.events(count: 10_000, features: 10)
        try h.queue.append(events)
        let faults = FaultConfiguration(failRate: 0.3, retryAfter: 0, dropConnectionRate: 0.1, seed: 42)
        let (receiver, port) = try await h.startReceiver(faults: faults, kind: kind)
        let worker = h.worker(port: port, schedule: DeliveryHarness.fastSchedule(attempts: 30)) {
            $0.maxConsecutiveUnreachable = 1000
        }
        var total = FlushSummary()
        for _ in 0..<5 where try h.queue.status().counts[.delivered] != 10_000 {
            total.add(try await worker.flush(untilEmpty: true))
        }
        await worker.shutdown()
        #expect(total.dead == 0 && total.retried > 0)
        #expect(try h.queue.status().counts[.delivered] == 10_000)
        #expect(try await receiver.store.eventCount() == 10_000)
        let counts = try await receiver.store.receiveCounts()
        #expect(Set(counts.keys) == Set(events.map(\.eventID)))
        // Attempts count answers only: per event, the answered requests that carried it.
        let log = try h.queue.recentAttempts(limit: 100_000)
        #expect(log.contains { $0.statusCode == 500 } && log.contains { $0.statusCode == 429 })
        #expect(log.contains { $0.statusCode == nil })
        var answered: [String: Int] = [:]
        for attempt in log where attempt.statusCode != nil {
            for id in attempt.eventIDs { answered[id, default: 0] += 1 }
        }
        let queued = try h.queue.events(ids: events.map(\.eventID))
        #expect(queued.allSatisfy { $0.attempts == answered[$0.eventID] })
        await receiver.stop()
    }

    @Test(arguments: StoreKind.testable)
    func twoWorkersNeverSendTheSameEventTwice(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        let events = EventFactory.events(count: 5_000)
        try h.queue.append(events)
        let (receiver, port) = try await h.startReceiver(faults: FaultConfiguration(latencyMs: 1), kind: kind)
        // Two queue handles (two connection pools, as two processes would have) and two workers.
        let other = try EventQueue(path: h.queue.path)
        let a = h.worker(port: port) { $0.batchesPerClaim = 1 }
        let b = h.worker(port: port, queue: other) { $0.batchesPerClaim = 1 }
        async let sa = a.flush(untilEmpty: true)
        async let sb = b.flush(untilEmpty: true)
        let (ra, rb) = try await (sa, sb)
        await a.shutdown()
        await b.shutdown()
        #expect(ra.delivered + rb.delivered == 5_000)
        #expect(ra.delivered > 0 && rb.delivered > 0)
        // No event was ever received twice: no two batches carried it.
        #expect(try await receiver.store.receiveCounts().values.allSatisfy { $0 == 1 })
        let log = try h.queue.recentAttempts(limit: 10_000)
        let ids = log.flatMap(\.eventIDs)
        #expect(ids.count == 5_000 && Set(ids).count == 5_000)
        await receiver.stop()
    }
}
