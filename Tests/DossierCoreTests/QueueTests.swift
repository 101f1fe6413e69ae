import DossierCore
import Foundation
import Testing

/// Integration tests of the SQLite queue (real GRDB database in a temp folder).
@Suite struct QueueTests {
    static func tempDir() -> String {
        let dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("dossier-queue-\(UUID().uuidString)")
        return dir
    }

    static func events(_ n: Int, slug: String = "f") -> [EventEnvelope] {
        let emitter = EventEmitter(actor: nil, logger: .init(label: "t"))
        let artifacts = (0..<n).map { i in
            Artifact(
                key: "k\(i)", artifactClass: .output, relativePath: "f\(i).md",
                contentHashSHA256: String(repeating: "0", count: 63) + String(i % 10), sizeBytes: Int64(i),
                requiredStatus: .optional, present: true)
        }
        let d = Dossier(
            featureSlug: slug, featureDirectory: "/x", missionType: "m", currentStep: nil, stepSource: .none,
            artifacts: artifacts, anomalies: [])
        let s = Snapshot(
            featureSlug: slug, missionType: "m", currentStep: nil,
            counts: ArtifactCounts(
                total: n, required: 0, requiredPresent: 0, requiredMissing: 0, optional: n, optionalPresent: n),
            completeness: .unknown, parityHashSHA256: EventFixtures.hashA, snapshotID: "s")
        return Array(emitter.events(for: d, snapshot: s, drift: nil).events.prefix(n))
    }

    func withQueue(capacity: Int = 100_000, _ body: (EventQueue, String) throws -> Void) throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try EventQueue(path: dir + "/state/queue.sqlite", capacity: capacity)
        try body(queue, dir + "/state")
    }

    func withQueue(capacity: Int = 100_000, _ body: (EventQueue, String) async throws -> Void) async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let queue = try EventQueue(path: dir + "/state/queue.sqlite", capacity: capacity)
        try await body(queue, dir + "/state")
    }

    @Test func durabilitySettingsAndPermissions() throws {
        try withQueue { queue, stateDir in
            #expect(try queue.writerSynchronous() == 2, "synchronous must be FULL on the writer")
            let dirMode = try FileManager.default.attributesOfItem(atPath: stateDir)[.posixPermissions] as? Int
            let fileMode = try FileManager.default.attributesOfItem(atPath: queue.path)[.posixPermissions] as? Int
            #expect(dirMode == 0o700)
            #expect(fileMode == 0o600)
            #expect(try queue.integrityCheck() == "ok")
            // Reopening runs the migrator again without harm.
            let again = try EventQueue(path: queue.path)
            #expect(try again.writerSynchronous() == 2)
        }
    }

    @Test func appendStoresCanonicalBytesAndIgnoresDuplicates() throws {
        try withQueue { queue, _ in
            let batch = EventFixtures.allFourTypes()
            let first = try queue.append(batch)
            #expect(first == AppendResult(inserted: batch.count, duplicates: 0))
            let second = try queue.append(batch)
            #expect(second == AppendResult(inserted: 0, duplicates: batch.count))
            let listed = try queue.list()
            #expect(listed.map(\.body) == batch.map { $0.canonicalJSON() })
            #expect(listed.map(\.eventID) == batch.map(\.eventID))
            #expect(listed.allSatisfy { $0.state == .pending && $0.attempts == 0 })
            #expect(listed.map(\.featureSlug) == Array(repeating: "042-user-login", count: batch.count))
            let decoded = try listed.map { try EventEnvelope(validating: $0.body) }
            #expect(decoded == batch)
        }
    }

    @Test func invalidEventRefusesTheWholeBatch() throws {
        try withQueue { queue, _ in
            var batch = EventFixtures.allFourTypes()
            batch[2].eventID = "not-a-uuid"
            #expect(throws: QueueError.self) { try queue.append(batch) }
            let rows = try queue.list()
            #expect(rows.isEmpty)
        }
    }

    @Test func capRefusesWithClearErrorAndKeepsWhatIsQueued() throws {
        try withQueue(capacity: 10) { queue, _ in
            let first = Self.events(8)
            try queue.append(first)
            do {
                try queue.append(Self.events(5, slug: "g"))
                Issue.record("cap not enforced")
            } catch {
                #expect(error as? QueueError == .capacityExceeded(current: 8, incoming: 5, capacity: 10))
                #expect("\(error)".contains("cap of 10"))
            }
            let status = try queue.status()
            #expect(status.counts[.pending] == 8)
            #expect(status.refusedCount == 5)
            #expect(try queue.list().map(\.eventID) == first.map(\.eventID))
            // Duplicates do not count against the cap; exactly reaching it is fine.
            #expect(try queue.append(first + Self.events(2, slug: "h")).inserted == 2)
        }
    }

    /// The claim rule production uses (one SQL statement): due pending rows and in-flight rows whose lease
    /// expired, in `seq` order; never delivered or dead ones, never a live lease.
    @Test func claimRespectsOrderLimitBytesAndLeases() async throws {
        try await withQueue { queue, _ in
            let batch = Self.events(10)
            let now = Date()
            try queue.append(batch, now: now)
            let size = try queue.list(limit: 1)[0].body.count
            let a = try await queue.claimDue(now: now, limit: 4, maxBytes: 1_000_000, leaseSeconds: 30, owner: "a")
            #expect(a.map(\.eventID) == Array(batch[0..<4]).map(\.eventID))
            #expect(a.allSatisfy { $0.state == .inFlight && $0.leaseOwner == "a" })
            let b = try await queue.claimDue(
                now: now, limit: 100, maxBytes: size * 2 + size / 2, leaseSeconds: 30, owner: "b")
            #expect(b.count == 2, "maxBytes caps the batch")
            let c = try await queue.claimDue(now: now, limit: 100, maxBytes: 1, leaseSeconds: 30, owner: "c")
            #expect(c.count == 1, "always at least one")
            // Not yet due: nothing for a claim in the past.
            #expect(
                try await queue.claimDue(
                    now: now.addingTimeInterval(-10), limit: 100, maxBytes: 1 << 30, leaseSeconds: 30, owner: "d"
                ).isEmpty)
            // Leases expire: a's four come back to a new owner, in order with the rest.
            let later = try await queue.claimDue(
                now: now.addingTimeInterval(31), limit: 100, maxBytes: 1 << 30, leaseSeconds: 30, owner: "e")
            #expect(later.map(\.eventID) == batch.map(\.eventID))
            // Delivered and dead rows are never claimed, even with their lease long gone; a live lease is kept.
            try await queue.complete(
                [.delivered(later[0].eventID), .dead(later[1].eventID, reason: "x")], owner: "e",
                now: now.addingTimeInterval(31))
            let afterDone = try await queue.claimDue(
                now: now.addingTimeInterval(1000), limit: 100, maxBytes: 1 << 30, leaseSeconds: 30, owner: "f")
            #expect(afterDone.map(\.eventID) == batch[2...].map(\.eventID))
            #expect(
                try await queue.claimDue(
                    now: now.addingTimeInterval(1029), limit: 100, maxBytes: 1 << 30, leaseSeconds: 30, owner: "g"
                ).isEmpty, "a live lease is not claimable")
            // A pending retry comes due at its next_attempt_at, not before (the expired leases are claimed).
            try await queue.complete(
                [
                    .retry(
                        afterDone[0].eventID, at: now.addingTimeInterval(2000), error: "HTTP 503", consumeAttempt: true)
                ],
                owner: "f", now: now.addingTimeInterval(1001))
            #expect(
                try await queue.claimDue(
                    now: now.addingTimeInterval(1999), limit: 100, maxBytes: 1 << 30, leaseSeconds: 30, owner: "h"
                ).map(\.eventID) == batch[3...].map(\.eventID))
            #expect(
                try await queue.claimDue(
                    now: now.addingTimeInterval(2000), limit: 1, maxBytes: 1 << 30, leaseSeconds: 30, owner: "h"
                ).map(\.eventID) == [afterDone[0].eventID])
        }
    }

    @Test func completeAppliesOnlyTheOwnersOutcomes() async throws {
        try await withQueue { queue, _ in
            let batch = Self.events(5)
            let now = Date()
            try queue.append(batch, now: now)
            let claimed = try await queue.claimDue(now: now, limit: 5, maxBytes: 1 << 30, leaseSeconds: 30, owner: "w1")
            #expect(claimed.count == 5)
            let ids = batch.map(\.eventID)
            let retryAt = now.addingTimeInterval(5)
            let foreign = try await queue.complete([.delivered(ids[0])], owner: "w2", now: now)
            #expect(foreign.applied == 0 && foreign.ignored == [ids[0]])
            let result = try await queue.complete(
                [
                    .delivered(ids[0]),
                    .retry(ids[1], at: retryAt, error: "HTTP 503", consumeAttempt: true),
                    .dead(ids[2], reason: "rejected: schema"),
                    .release(ids[3]),
                    .delivered("00000000-0000-4000-8000-00000000ffff"),
                ], owner: "w1", now: now)
            #expect(result.applied == 4)
            let rows = Dictionary(uniqueKeysWithValues: try queue.list().map { ($0.eventID, $0) })
            #expect(rows[ids[0]]?.state == .delivered && rows[ids[0]]?.deliveredAt != nil)
            #expect(rows[ids[1]]?.state == .pending && rows[ids[1]]?.attempts == 1)
            #expect(rows[ids[1]]?.lastError == "HTTP 503")
            #expect(
                abs((rows[ids[1]]?.nextAttemptAt.timeIntervalSince1970 ?? 0) - retryAt.timeIntervalSince1970) < 0.001)
            #expect(rows[ids[2]]?.state == .dead && rows[ids[2]]?.lastError == "rejected: schema")
            #expect(rows[ids[3]]?.state == .pending && rows[ids[3]]?.leaseOwner == nil)
            #expect(rows[ids[4]]?.state == .inFlight)
            // Retry dead, then purge delivered.
            #expect(try queue.retryDead(eventIDs: nil) == 1)
            #expect(try queue.list(state: .dead).isEmpty)
            #expect(try queue.events(ids: [ids[2]]).first?.attempts == 0)
            #expect(try queue.purgeDelivered(olderThan: now.addingTimeInterval(-60)) == 0)
            #expect(try queue.purgeDelivered(olderThan: nil) == 1)
            let status = try queue.status(now: now.addingTimeInterval(10))
            #expect(status.counts == [.pending: 3, .inFlight: 1, .delivered: 0, .dead: 0])
            #expect(status.oldestPendingAge.map { $0 >= 9.9 } == true)
        }
    }

    @Test func groupedWritesGiveEachRowItsOwnOutcomeAcrossRunsAndChunks() async throws {
        try await withQueue { queue, _ in
            let batch = Self.events(1_200)
            let now = Date()
            try queue.append(batch, now: now)
            let claimed = try await queue.claimDue(
                now: now, limit: 1_200, maxBytes: 1 << 30, leaseSeconds: 30, owner: "w1")
            #expect(claimed.count == 1_200)
            let ids = batch.map(\.eventID)
            // Runs of equal new values broken by a dead and a retried event, a run longer than one statement's
            // chunk (500), and an id listed twice (its second outcome is ignored).
            var outcomes: [DeliveryOutcome] = ids.map { .delivered($0) }
            outcomes[300] = .dead(ids[300], reason: "rejected")
            outcomes[301] = .retry(ids[301], at: now.addingTimeInterval(9), error: "HTTP 500", consumeAttempt: true)
            outcomes.append(.release(ids[5]))
            let result = try await queue.complete(outcomes, owner: "w1", now: now)
            #expect(result.applied == 1_200 && result.ignored == [ids[5]])
            let rows = Dictionary(uniqueKeysWithValues: try queue.list(limit: 2_000).map { ($0.eventID, $0) })
            for (index, id) in ids.enumerated() {
                let row = try #require(rows[id])
                switch index {
                case 300: #expect(row.state == .dead && row.lastError == "rejected" && row.attempts == 1)
                case 301: #expect(row.state == .pending && row.lastError == "HTTP 500" && row.attempts == 1)
                default:
                    #expect(row.state == .delivered && row.attempts == 1 && row.leaseOwner == nil, "\(index)")
                    #expect(row.deliveredAt.map { abs($0.timeIntervalSince(now)) < 0.001 } == true)
                }
            }
        }
    }

    @Test func concurrentClaimsFromTwoConnectionsNeverOverlap() async throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/queue.sqlite"
        let q1 = try EventQueue(path: path)
        let q2 = try EventQueue(path: path)
        let batch = Self.events(400)
        try q1.append(batch)
        let now = Date()
        let started = StartedWorkers()
        async let a = Self.drain(q1, owner: "one", now: now, started: started)
        async let b = Self.drain(q2, owner: "two", now: now, started: started)
        let (ra, rb) = try await (a, b)
        #expect(!ra.isEmpty && !rb.isEmpty, "both workers claimed: one \(ra.count), two \(rb.count)")
        #expect(Set(ra).isDisjoint(with: Set(rb)))
        #expect(Set(ra + rb) == Set(batch.map(\.eventID)))
        #expect(ra.count + rb.count == 400)
    }

    /// How many workers have made their first claim: each waits for the other after its first one, so the two
    /// really race for the rest instead of one draining the queue before the other starts.
    actor StartedWorkers {
        private(set) var count = 0
        func arrive() { count += 1 }
    }

    static func drain(_ q: EventQueue, owner: String, now: Date, started: StartedWorkers) async throws -> [String] {
        var got: [String] = []
        while true {
            let c = try await q.claimDue(now: now, limit: 7, maxBytes: 1 << 30, leaseSeconds: 600, owner: owner)
            if c.isEmpty { return got }
            if got.isEmpty {
                await started.arrive()
                let deadline = ContinuousClock.now + .seconds(60)
                while await started.count < 2, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
            got += c.map(\.eventID)
            await Task.yield()
        }
    }

    @Test func dataVersionSeesOtherConnectionsWrites() throws {
        try withQueue { queue, _ in
            let other = try EventQueue(path: queue.path)
            let v0 = try queue.dataVersion()
            try other.append(Self.events(3))
            let v1 = try queue.dataVersion()
            #expect(v1 != v0)
            try queue.append(Self.events(3, slug: "own"))
            #expect(try queue.dataVersion() != v1)
        }
    }

    @Test func commitRecordsAttemptsEndpointStateAndReleasesInOneGo() async throws {
        try await withQueue { queue, _ in
            let batch = Self.events(4)
            let t0 = Date(timeIntervalSince1970: 1_000_000)
            try queue.append(batch, now: t0)
            let ids = batch.map(\.eventID)
            _ = try await queue.claimDue(now: t0, limit: 4, maxBytes: 1 << 30, leaseSeconds: 60, owner: "w")
            func log(_ id: String, _ events: [String], _ outcome: String, at t: Double) -> DeliveryAttemptLog {
                DeliveryAttemptLog(
                    batchID: id, endpoint: "http://x", startedAt: Date(timeIntervalSince1970: t), latencyMs: 5.5,
                    eventIDs: events, byteCount: 300, statusCode: outcome == "paused" ? 401 : 200,
                    error: outcome == "paused" ? "HTTP 401" : nil, outcome: outcome, nextRetryAt: nil)
            }
            let now = t0.addingTimeInterval(10)
            let result = try await queue.commit(
                DeliveryCommit(
                    attempts: [
                        AttemptCompletion(
                            outcomes: [.delivered(ids[0]), .delivered(ids[1])], now: now,
                            log: log("b1", [ids[0], ids[1]], "delivered", at: 1_000_005), verdict: .healthy),
                        AttemptCompletion(
                            outcomes: [.release(ids[2])], now: now, log: log("b2", [ids[2]], "paused", at: 1_000_020),
                            verdict: .paused("HTTP 401")),
                    ], releases: [ids[3]], releasedAt: now, window: 4),
                owner: "w")
            #expect(result.applied == 4 && result.ignored.isEmpty)
            let attempts = try queue.recentAttempts(limit: 5)
            #expect(attempts.map(\.batchID) == ["b2", "b1"])
            #expect(attempts[1].eventIDs == [ids[0], ids[1]] && attempts[1].statusCode == 200)
            let status = try queue.status(now: Date(timeIntervalSince1970: 1_000_030))
            #expect(
                status.endpoints == [
                    EndpointStatus(
                        endpoint: "http://x", state: "paused", reason: "HTTP 401",
                        updatedAt: Date(timeIntervalSince1970: 1_000_020),
                        lastSuccessAt: Date(timeIntervalSince1970: 1_000_005), window: 4, ratePerSecond: 2.0 / 60)
                ])
            #expect(status.counts == [.pending: 2, .inFlight: 0, .delivered: 2, .dead: 0])
            #expect(try await queue.backlog() == DeliveryBacklog(pending: 2, inFlight: 0, nextAttemptAt: t0))
            // Out of the rate's interval, the rate is 0.
            #expect(try queue.status(now: Date(timeIntervalSince1970: 1_000_100)).endpoints[0].ratePerSecond == 0)
        }
    }

    @Test func corruptDatabaseGivesAClearErrorAndIsLeftAlone() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/queue.sqlite"
        let garbage = Data(repeating: 0x5A, count: 8192)
        #expect(FileManager.default.createFile(atPath: path, contents: garbage))
        do {
            _ = try EventQueue(path: path)
            Issue.record("opened a corrupt database")
        } catch {
            guard case .corrupt(let p, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(p == path)
            #expect(error.description.contains(path))
        }
        #expect(FileManager.default.contents(atPath: path) == garbage, "nothing overwritten")
    }

    @Test func readOnlyDatabaseRefusesWritesAndKeepsData() throws {
        try withQueue { queue, _ in
            let batch = Self.events(4)
            try queue.append(batch)
            let reader = try EventQueue(path: queue.path, readOnly: true)
            #expect(try reader.list().count == 4)
            do {
                try reader.append(Self.events(2, slug: "ro"))
                Issue.record("wrote to a read-only database")
            } catch {
                guard case .readOnly? = error as? QueueError else {
                    Issue.record("unexpected \(error)")
                    return
                }
            }
            #expect(try queue.list().map(\.eventID) == batch.map(\.eventID))
        }
    }
}
