import DossierCore
import Foundation
import GRDB
import NIOPosix
import Testing

@testable import DossierReceiver

/// The order-independent, self-verifying reduction on both real stores (SQLite, and PostgreSQL when configured:
/// see `StoreKind.testable`): whatever the arrival order, duplication and batching of a few scans' events, the
/// final state is the same (the same as the SQLite store's in-order state), and only snapshots whose indexed events
/// reproduce their parity hash are served.
@Suite struct OrderIndependentReductionTests {
    /// SplitMix64: a seeded generator, so a failing seed is reproducible.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A fresh store of either kind: SQLite in a temp folder, or PostgreSQL in a database of its own.
    final class TempStore: Sendable {
        let directory: String
        let store: any ReceiverStore

        private init(directory: String, store: any ReceiverStore) {
            self.directory = directory
            self.store = store
        }

        /// A fresh store (SQLite opened on a thread-pool thread: opening fsyncs).
        static func make(_ kind: StoreKind = .sqlite) async throws -> TempStore {
            let directory = NSTemporaryDirectory() + "dossier-reduction-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            switch kind {
            case .sqlite:
                let store = try await NIOThreadPool.singleton.runIfActive {
                    try SQLiteReceiverStore(path: directory + "/store.sqlite")
                }
                return TempStore(directory: directory, store: store)
            case .postgres:
                let store = try await PostgresReceiverStore.open(try await TestPostgres.freshDatabase())
                return TempStore(directory: directory, store: store)
            }
        }

        deinit {
            (store as? PostgresReceiverStore)?.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static let base = Date(timeIntervalSince1970: 1_780_000_000)

    /// Three scans of two features: files changed, deleted, added; a required artifact missing in one scan.
    static func scans() -> [[EventEnvelope]] {
        let h = ScanFixtures.hash
        return [
            ScanFixtures.scan(
                slug: "alpha", files: [("spec.md", h("a1")), ("plan.md", h("p1")), ("notes.md", h("n1"))],
                start: base),
            ScanFixtures.scan(
                slug: "alpha", files: [("spec.md", h("a2")), ("plan.md", h("p1")), ("tasks/WP01.md", h("w1"))],
                start: base.addingTimeInterval(10)),
            ScanFixtures.scan(
                slug: "alpha", files: [("spec.md", h("a3")), ("tasks/WP01.md", h("w1"))],
                start: base.addingTimeInterval(20)),
            ScanFixtures.scan(
                slug: "beta", files: [("spec.md", h("b1"))], absentRequired: ["plan.md"], start: base),
            ScanFixtures.scan(
                slug: "beta", files: [("spec.md", h("b1")), ("plan.md", h("bp"))],
                start: base.addingTimeInterval(5)),
            ScanFixtures.scan(slug: "gamma", files: [], start: base.addingTimeInterval(3)),
        ]
    }

    struct FinalState: Equatable, CustomStringConvertible {
        var events: Int
        var summaries: [FeatureSummary]
        var baselines: [String: BaselineAnswer]
        var description: String { "\(events) events, \(summaries), \(baselines)" }
    }

    static func finalState(_ store: any ReceiverStore) async throws -> FinalState {
        let summaries = try await store.summaries()
        var baselines: [String: BaselineAnswer] = [:]
        for s in summaries {
            baselines[s.featureSlug] = try await store.baseline(featureSlug: s.featureSlug, source: "test")
        }
        return FinalState(events: try await store.eventCount(), summaries: summaries, baselines: baselines)
    }

    static func batch(_ events: [EventEnvelope], id: String) -> IncomingBatch {
        IncomingBatch(
            batchID: id,
            events: events.map { IncomingEvent(raw: $0.canonicalJSON(), envelope: $0, rejection: nil) },
            receivedAt: "2026-12-01T00:00:00.000Z")
    }

    @Test(arguments: StoreKind.testable)
    func inOrderDeliveryServesEachFeaturesLatestScan(kind: StoreKind) async throws {
        let t = try await TempStore.make(kind)
        let scans = Self.scans()
        for (i, scan) in scans.enumerated() { _ = try await t.store.store(Self.batch(scan, id: "b\(i)")) }
        let state = try await Self.finalState(t.store)
        #expect(state.events == scans.map(\.count).reduce(0, +))
        guard case .verified(let alpha, let alphaSnapshot, nil)? = state.baselines["alpha"] else {
            Issue.record("alpha: \(String(describing: state.baselines["alpha"]))")
            return
        }
        let lastAlpha = try #require(scans[2].last?.payload)
        guard case .snapshotComputed(let claim) = lastAlpha else { throw CancellationError() }
        #expect(alphaSnapshot == claim.snapshotID && alpha.parityHashSHA256 == claim.parityHashSHA256)
        #expect(alpha.entries.map(\.relativePath) == ["spec.md", "tasks/WP01.md"])
        guard case .verified(let beta, _, nil)? = state.baselines["beta"] else {
            Issue.record("beta: \(String(describing: state.baselines["beta"]))")
            return
        }
        #expect(beta.entries.map(\.relativePath) == ["plan.md", "spec.md"])
        guard case .verified(let gamma, _, nil)? = state.baselines["gamma"] else {
            Issue.record("gamma: \(String(describing: state.baselines["gamma"]))")
            return
        }
        #expect(gamma.entries.isEmpty && gamma.parityHashSHA256 == ParityHash.empty)
        #expect(state.summaries.map(\.featureSlug) == ["alpha", "beta", "gamma"])
        #expect(state.summaries.allSatisfy { $0.pendingSnapshotID == nil })
    }

    /// Property: any permutation, duplication and split into batches (some committed together, concurrently)
    /// gives the in-order final state of the SQLite store, on either store. 40 seeded cases each.
    @Test(arguments: StoreKind.testable, 1...40)
    func anyArrivalOrderGivesTheSameFinalState(kind: StoreKind, seed: Int) async throws {
        let reference = try await TempStore.make()
        let scans = Self.scans()
        for (i, scan) in scans.enumerated() { _ = try await reference.store.store(Self.batch(scan, id: "r\(i)")) }
        let expected = try await Self.finalState(reference.store)

        var rng = SeededGenerator(state: UInt64(seed))
        var events = scans.flatMap { $0 }
        let duplicates = events.filter { _ in Double.random(in: 0..<1, using: &rng) < 0.3 }
        events += duplicates
        events.shuffle(using: &rng)
        var batches: [[EventEnvelope]] = []
        var rest = events[...]
        while !rest.isEmpty {
            let size = Int.random(in: 1...12, using: &rng)
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        let t = try await TempStore.make(kind)
        var index = 0
        while index < batches.count {
            // Up to four batches at once, so several share one group commit.
            let wave = batches[index..<min(batches.count, index + Int.random(in: 1...4, using: &rng))]
            let store = t.store
            let first = index
            try await withThrowingTaskGroup(of: [ReceiverVerdict].self) { group in
                for (offset, b) in wave.enumerated() {
                    group.addTask { try await store.store(Self.batch(b, id: "s\(first + offset)")) }
                }
                for try await verdicts in group {
                    #expect(!verdicts.contains { if case .rejected = $0 { true } else { false } })
                }
            }
            index += wave.count
        }
        let state = try await Self.finalState(t.store)
        #expect(state == expected, "\(kind) seed \(seed)")
        let counts = try await t.store.receiveCounts()
        #expect(counts.values.reduce(0, +) == events.count, "every copy counted once")
    }

    @Test(arguments: StoreKind.testable)
    func snapshotBeforeItsArtifactsWaitsThenVerifies(kind: StoreKind) async throws {
        let t = try await TempStore.make(kind)
        let scan = Self.scans()[0]
        let snapshot = try #require(scan.last)
        _ = try await t.store.store(Self.batch([snapshot] + scan.prefix(1), id: "early"))
        guard case .pending(let pending) = try await t.store.baseline(featureSlug: "alpha", source: "t") else {
            Issue.record("expected pending")
            return
        }
        #expect(pending.receivedArtifacts == 1 && pending.missingArtifacts == 2)
        let summary = try #require(try await t.store.summaries().first)
        #expect(summary.snapshotID == nil && summary.pendingSnapshotID == pending.snapshotID)
        _ = try await t.store.store(Self.batch(Array(scan.dropFirst().dropLast()), id: "rest"))
        guard case .verified(let baseline, let id, nil) = try await t.store.baseline(featureSlug: "alpha", source: "t")
        else {
            Issue.record("expected verified")
            return
        }
        #expect(id == pending.snapshotID && baseline.entries.count == 3)
    }

    @Test(arguments: StoreKind.testable)
    func olderVerifiedSnapshotIsServedWhileANewerOneWaits(kind: StoreKind) async throws {
        let t = try await TempStore.make(kind)
        let scans = Self.scans()
        _ = try await t.store.store(Self.batch(scans[0], id: "one"))
        // The second scan's snapshot and only one of its three indexed events.
        _ = try await t.store.store(Self.batch([scans[1][0], scans[1].last!], id: "two"))
        let answer = try await t.store.baseline(featureSlug: "alpha", source: "t")
        guard case .verified(let baseline, _, let pending?) = answer else {
            Issue.record("expected the first scan served with the second pending")
            return
        }
        #expect(baseline.entries.map(\.relativePath) == ["notes.md", "plan.md", "spec.md"])
        #expect(pending.receivedArtifacts == 1 && pending.missingArtifacts == 2)
    }

    @Test(arguments: StoreKind.testable)
    func aSnapshotItsArtifactsDoNotReproduceIsNeverServed(kind: StoreKind) async throws {
        let t = try await TempStore.make(kind)
        var scan = Self.scans()[3]
        guard case .snapshotComputed(var claim) = scan[scan.count - 1].payload else {
            Issue.record("fixture")
            return
        }
        claim.parityHashSHA256 = String(repeating: "ab", count: 32)
        scan[scan.count - 1].payload = .snapshotComputed(claim)
        _ = try await t.store.store(Self.batch(scan, id: "forged"))
        guard case .pending(let pending) = try await t.store.baseline(featureSlug: "beta", source: "t") else {
            Issue.record("a forged parity hash must not be served")
            return
        }
        // All (one) expected artifacts arrived, yet they do not reproduce it: still at least one missing.
        #expect(pending.receivedArtifacts == 1 && pending.missingArtifacts == 1)
    }

    @Test(arguments: StoreKind.testable)
    func concurrentBatchesWithTheSameEventsAcceptEachEventOnce(kind: StoreKind) async throws {
        let t = try await TempStore.make(kind)
        let events = Self.scans().flatMap { $0 }
        let store = t.store
        let answers = try await withThrowingTaskGroup(of: [ReceiverVerdict].self) { group in
            for copy in 0..<8 { group.addTask { try await store.store(Self.batch(events, id: "copy-\(copy)")) } }
            var all: [[ReceiverVerdict]] = []
            for try await verdicts in group { all.append(verdicts) }
            return all
        }
        for index in events.indices {
            let column = answers.map { $0[index] }
            #expect(column.filter { $0 == .accepted }.count == 1 && column.filter { $0 == .duplicate }.count == 7)
        }
        #expect(try await store.eventCount() == events.count)
    }

    @Test func aV1StoreIsMigratedByReplayingItsEvents() async throws {
        let directory = NSTemporaryDirectory() + "dossier-v1-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/store.sqlite"
        // A store as the previous release left it: v1 schema, events in received_events.
        let events = Self.scans().flatMap { $0 }
        try await NIOThreadPool.singleton.runIfActive {
            let queue = try DatabaseQueue(path: path)
            try ReceiverMigrations.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                for event in events.reversed() {
                    try db.execute(
                        sql: """
                            INSERT INTO received_events (event_id, event_type, feature_slug, timestamp, body,
                                batch_id, received_at) VALUES (?, ?, ?, ?, ?, 'b', 't')
                            """,
                        arguments: [
                            event.eventID, event.eventType.rawValue, event.payload.featureSlug, event.timestamp,
                            event.canonicalJSON(),
                        ])
                }
            }
        }
        let migrated = try await NIOThreadPool.singleton.runIfActive { try SQLiteReceiverStore(path: path) }
        let reference = try await TempStore.make()
        for (i, scan) in Self.scans().enumerated() { _ = try await reference.store.store(Self.batch(scan, id: "\(i)")) }
        #expect(try await Self.finalState(migrated) == (try await Self.finalState(reference.store)))
    }

    @Test func eventOrderKeySortsByTimeWhateverThePrecision() {
        let times = [
            "2026-12-01T10:00:00Z", "2026-12-01T10:00:00.5Z", "2026-12-01T10:00:00.123456789Z",
            "2026-12-01T10:00:01Z", "2026-12-01T09:59:59.999Z",
        ]
        let sorted = times.sorted { EventOrderKey.key($0) < EventOrderKey.key($1) }
        #expect(
            sorted == [
                "2026-12-01T09:59:59.999Z", "2026-12-01T10:00:00Z", "2026-12-01T10:00:00.123456789Z",
                "2026-12-01T10:00:00.5Z", "2026-12-01T10:00:01Z",
            ])
        #expect(EventOrderKey.key("2026-12-01T10:00:00Z") == EventOrderKey.key("2026-12-01T10:00:00.000Z"))
    }
}
