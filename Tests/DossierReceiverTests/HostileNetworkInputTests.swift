import DossierCore
import Foundation
import Testing

@testable import DossierReceiver

/// Issue 9, network half, in process over real loopback HTTP: a worker never claims behind an endpoint it cannot
/// start a request to, slugs of any spelling round-trip through `GET /dossiers/<slug>/baseline`, and the batch
/// parser refuses ambiguous or mis-nested bodies with a message.
@Suite struct HostileNetworkInputTests {
    @Test(arguments: [
        (
            "http://127.0.0.1:99999/webhook",
            "webhook endpoint 'http://127.0.0.1:99999/webhook': port '99999' is out of range (expected 1–65535)"
        ),
        (
            "http://u:hunter2@127.0.0.1:70000/x",
            "webhook endpoint 'http://***@127.0.0.1:70000/x': port '70000' is out of range (expected 1–65535)"
        ),
        (
            "http://127.0.0.1:8787/x#f",
            "webhook endpoint 'http://127.0.0.1:8787/x#f': has a fragment ('#…'), which is never sent; remove it"
        ),
    ])
    func workerRefusesAnUnusableEndpointBeforeClaimingAnything(_ url: String, _ message: String) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        let events = EventFactory.events(count: 5)
        try h.queue.append(events)
        var c = DeliveryConfiguration(endpoint: url, secret: h.secret)
        c.requestTimeout = 5
        let worker = DeliveryWorker(queue: h.queue, configuration: c)
        do {
            _ = try await worker.flush(untilEmpty: true)
            Issue.record("flush to \(url) did not fail")
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("hunter2"))
        }
        await worker.shutdown()
        let status = try h.queue.status()
        #expect(status.counts[.pending] == 5 && (status.counts[.inFlight] ?? 0) == 0)
        #expect(try h.queue.events(ids: events.map(\.eventID)).allSatisfy { $0.state == .pending && $0.attempts == 0 })
        #expect(try h.queue.recentAttempts(limit: 10).isEmpty)
    }

    static let awkwardSlugs = [
        "042 user login", "100%-done", "what?", "issue#9", "ünïcödé-✓", "caf%E9", "a+b", "semi;colon=1&x",
        "..hidden", "~tilde", "slash%2Fencoded", "tab\there", "@at:colon", "[brackets]", "日本語",
    ]

    /// On either store: PostgreSQL's text columns and the SQLite store must give the same slugs back.
    @Test(arguments: StoreKind.testable)
    func awkwardSlugsRoundTripThroughTheBaselineEndpoint(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        let (receiver, port) = try await h.startReceiver(kind: kind)
        var events: [EventEnvelope] = []
        for (i, slug) in Self.awkwardSlugs.enumerated() {
            events.append(
                EventEnvelope(
                    id: UUID(), date: Date(), actor: nil,
                    payload: .artifactIndexed(
                        ArtifactIndexedPayload(
                            featureSlug: slug, artifactKey: "spec", artifactClass: .input, relativePath: "spec.md",
                            contentHashSHA256: EventFactory.hash(i), sizeBytes: 1, wpID: nil, stepID: nil,
                            requiredStatus: .required))))
            events.append(
                EventEnvelope(
                    id: UUID(), date: Date(), actor: nil,
                    payload: .snapshotComputed(
                        SnapshotComputedPayload(
                            featureSlug: slug,
                            parityHashSHA256: ParityHash.compute([("spec.md", EventFactory.hash(i))]),
                            artifactCounts: ArtifactCounts(
                                total: 1, required: 1, requiredPresent: 1, requiredMissing: 0, optional: 0,
                                optionalPresent: 0),
                            completenessStatus: .complete, snapshotID: "snap-\(i)"))))
        }
        try h.queue.append(events)
        let worker = h.worker(port: port)
        let summary = try await worker.flush(untilEmpty: true)
        await worker.shutdown()
        #expect(summary.delivered == events.count)
        for (i, slug) in Self.awkwardSlugs.enumerated() {
            let baseline = try await RemoteBaselineClient().fetch(
                endpoint: "http://127.0.0.1:\(port)/webhook", featureSlug: slug)
            #expect(baseline.featureSlug == slug)
            #expect(baseline.parityHashSHA256 == ParityHash.compute([("spec.md", EventFactory.hash(i))]))
            #expect(baseline.entries.map(\.relativePath) == ["spec.md"])
        }
        // A slug the receiver never heard of is a 404 naming it, not a 400.
        await #expect(
            throws: RemoteBaselineError.notFound(
                url: "http://127.0.0.1:\(port)/dossiers/no%20such%3F/baseline", featureSlug: "no such?")
        ) {
            try await RemoteBaselineClient().fetch(endpoint: "http://127.0.0.1:\(port)", featureSlug: "no such?")
        }
        await receiver.stop()
    }

    @Test(arguments: StoreKind.testable)
    func userinfoInTheEndpointIsSentAsBasicCredentialsAndRedactedInTheAttemptLog(kind: StoreKind) async throws {
        let h = try DeliveryHarness()
        defer { h.cleanup() }
        let (receiver, port) = try await h.startReceiver(kind: kind)
        try h.queue.append(EventFactory.events(count: 2))
        let worker = h.worker(port: port) { $0.endpoint = "http://alice:hunter2@127.0.0.1:\(port)/webhook" }
        let summary = try await worker.flush(untilEmpty: true)
        await worker.shutdown()
        #expect(summary.delivered == 2)
        let attempts = try h.queue.recentAttempts(limit: 10)
        #expect(attempts.map(\.endpoint) == ["http://***@127.0.0.1:\(port)/webhook"])
        await receiver.stop()
    }

    struct BadBody: Sendable, CustomTestStringConvertible {
        var body: String
        var message: String
        var testDescription: String { body.count > 50 ? String(body.prefix(40)) + "…" : body }
    }

    @Test(arguments: [
        BadBody(
            body: #"{"batch_id":"a","batch_id":"b","events":[]}"#,
            message: "request body is not a batch: 'batch_id' appears twice (ambiguous) at byte 16"),
        BadBody(
            body: #"{"batch_id":"a","events":[],"events":[{}]}"#,
            message: "request body is not a batch: 'events' appears twice (ambiguous) at byte 28"),
        BadBody(
            body: #"{"batch_id":"a","x":[},"events":[]}"#,
            message: "request body is not a batch: mismatched '}' at byte 21"),
        BadBody(
            body: #"{"batch_id":"a","events":[[}]]}"#,
            message: "request body is not a batch: mismatched '}' at byte 27"),
        BadBody(
            body: #"{"batch_id":7,"events":[]}"#,
            message: "request body is not a batch: 'batch_id' must be a string at byte 12"),
        BadBody(
            body: #"{"batch_id":"\x","events":[]}"#,
            message: "request body is not a batch: 'batch_id' must be a string at byte 12"),
        BadBody(
            body: #"{"\q":1,"batch_id":"a","events":[]}"#,
            message: "request body is not a batch: a key is not a valid JSON string at byte 1"),
        BadBody(
            body: #"{"batch_id":"a","events":["#, message: "request body is not a batch: unexpected end at byte 26"),
        BadBody(
            body: "{\"batch_id\":\"a\",\"events\":[" + String(repeating: "[", count: 200_000) + "]}",
            message: "request body is not a batch: mismatched '}' at byte 200027"),
        BadBody(body: "", message: "request body is not a batch: expected a JSON object at byte 0"),
    ])
    func batchParserRefusesAmbiguousOrMisNestedBodies(_ c: BadBody) {
        #expect(throws: BatchParseError.self) { try BatchParser.parse(Data(c.body.utf8)) }
        do { _ = try BatchParser.parse(Data(c.body.utf8)) } catch { #expect(error.description == c.message) }
    }

    @Test func deeplyNestedEventsAreRejectedNotFatal() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let batch = try BatchParser.parse(Data(#"{"batch_id":"a","events":[\#(deep),{"x":1}]}"#.utf8))
        #expect(batch.events.count == 2)
        for raw in batch.events {
            #expect(throws: EventValidationError.self) { try EventEnvelope(validating: raw) }
        }
    }
}
