import DossierCore
import Foundation
import Synchronization

@testable import DossierReceiver

/// Valid events of the four types, for delivery tests.
enum EventFactory {
    static func hash(_ n: Int) -> String { String(format: "%064x", n) }

    /// `count` events cycling through the four types, in `features` features; each feature's artifacts
    /// are followed by a snapshot in the cycle.
    static func events(count: Int, features: Int = 3, typeCycle: [EventType] = EventType.allCases) -> [EventEnvelope] {
        (0..<count).map { i in
            let slug = "feature-\(i % features)"
            let payload: EventPayload
            switch typeCycle[i % typeCycle.count] {
            case .artifactIndexed:
                payload = .artifactIndexed(
                    ArtifactIndexedPayload(
                        featureSlug: slug, artifactKey: "artifact.f\(i)", artifactClass: .output,
                        relativePath: "docs/f\(i).md", contentHashSHA256: hash(i), sizeBytes: Int64(i), wpID: nil,
                        stepID: nil, requiredStatus: .optional))
            case .artifactMissing:
                payload = .artifactMissing(
                    ArtifactMissingPayload(
                        featureSlug: slug, artifactKey: "spec", artifactClass: .input, expectedPathPattern: "spec.md",
                        reasonCode: .notFound, reasonDetail: nil, blocking: true))
            case .snapshotComputed:
                payload = .snapshotComputed(
                    SnapshotComputedPayload(
                        featureSlug: slug, parityHashSHA256: hash(1_000_000 + i),
                        artifactCounts: ArtifactCounts(
                            total: 1, required: 1, requiredPresent: 0, requiredMissing: 1, optional: 0,
                            optionalPresent: 0),
                        completenessStatus: .incomplete, snapshotID: "snap-\(i)"))
            case .parityDriftDetected:
                payload = .parityDriftDetected(
                    ParityDriftDetectedPayload(
                        featureSlug: slug, localParityHash: hash(i), baselineParityHash: hash(i + 1),
                        missingInLocal: ["spec"], missingInBaseline: [], severity: .warning))
            }
            return EventEnvelope(id: UUID(), date: Date(), actor: "tester", payload: payload)
        }
    }
}

/// A temp directory with a real GRDB queue and a real receiver on a loopback port.
final class DeliveryHarness: Sendable {
    let directory: String
    let queue: EventQueue
    let secret: WebhookSecret
    let storePath: String
    /// The PostgreSQL database of this harness's receivers (created by the first one, shared by later ones, as
    /// `storePath` is for SQLite).
    private let postgresDatabase = Mutex<PostgresStoreSettings?>(nil)

    init() throws {
        directory = NSTemporaryDirectory() + "dossier-delivery-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        queue = try EventQueue(path: directory + "/state/queue.sqlite", capacity: 100_000)
        secret = WebhookSecret.generate()
        storePath = directory + "/receiver/store.sqlite"
    }

    /// A receiver on the SQLite store at `storePath`, or (`kind: .postgres`) on this harness's PostgreSQL database
    /// (a fresh one the first time); it accepts `secrets` (default: the harness's one secret).
    func startReceiver(
        port: Int = 0, faults: FaultConfiguration = .init(), secrets: [WebhookSecret]? = nil,
        kind: StoreKind = .sqlite
    ) async throws -> (WebhookReceiver, Int) {
        let configuration = ReceiverConfiguration(
            secrets: secrets ?? [secret], storePath: storePath, port: port, faults: faults)
        let receiver: WebhookReceiver
        switch kind {
        case .sqlite:
            receiver = try WebhookReceiver(configuration: configuration)
        case .postgres:
            let existing = postgresDatabase.withLock { $0 }
            let database: PostgresStoreSettings
            if let existing {
                database = existing
            } else {
                database = try await TestPostgres.freshDatabase()
                postgresDatabase.withLock { $0 = database }
            }
            let store = try await PostgresReceiverStore.open(database)
            receiver = WebhookReceiver(configuration: configuration, store: store)
        }
        let bound = try await receiver.start()
        return (receiver, bound)
    }

    /// Tiny delays so retries come due within the test.
    static func fastSchedule(attempts: Int = 8) -> RetrySchedule {
        RetrySchedule(delays: Array(repeating: 0.005, count: attempts - 1), jitter: 0.2, retryAfterCap: 0.02)
    }

    func worker(
        port: Int, schedule: RetrySchedule = fastSchedule(), queue: EventQueue? = nil,
        configure: (inout DeliveryConfiguration) -> Void = { _ in }
    ) -> DeliveryWorker {
        var c = DeliveryConfiguration(endpoint: "http://127.0.0.1:\(port)/webhook", secret: secret)
        c.schedule = schedule
        c.requestTimeout = 10
        c.unreachablePause = 0.01
        c.maxRetryWait = 60
        configure(&c)
        return DeliveryWorker(queue: queue ?? self.queue, configuration: c)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: directory) }
}
