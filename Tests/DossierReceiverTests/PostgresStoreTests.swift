import DossierCore
import Foundation
import PostgresNIO
import Testing
import TestSupport

@testable import DossierReceiver

/// Parsing of `postgres://` store URLs (pure): what is accepted, and that a refusal never shows the password.
@Suite struct PostgresStoreSettingsTests {
    @Test func acceptsTheUsualShapes() throws {
        let s = try PostgresStoreSettings(url: "postgres://team:s%40cret@db.example:6543/dossier?sslmode=require")
        #expect(s.host == "db.example" && s.port == 6543 && s.username == "team" && s.password == "s@cret")
        #expect(s.database == "dossier" && s.tls == .require)
        #expect(!s.redacted.contains("cret") && s.redacted.contains("db.example"))
        let plain = try PostgresStoreSettings(url: "postgresql://me@127.0.0.1/receiver")
        #expect(plain.port == 5432 && plain.password == nil && plain.tls == .prefer)
        #expect(PostgresStoreSettings.isPostgresURL("POSTGRES://x") && !PostgresStoreSettings.isPostgresURL("/tmp/a.sqlite"))
    }

    @Test(arguments: [
        ("mysql://u:hunter2@h/db", "is not postgres://"),
        ("postgres://:hunter2@h/db", "names no user"),
        ("postgres://u:hunter2@h", "names no database"),
        ("postgres://u:hunter2@h/db?sslmode=always", "sslmode 'always'"),
        ("postgres://u:hunter2@h/db?search_path=x", "'search_path' is not supported"),
        ("postgres://u:hunter2@h:0/db", "port 0"),
        ("postgres://u:hunter2@/db", "names no host"),
    ])
    func refusesWithAReasonAndNeverShowsThePassword(url: String, reason: String) {
        do {
            _ = try PostgresStoreSettings(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
            #expect(!error.description.contains("hunter2"), "\(error)")
        }
    }

    /// Only the password is hidden: the user name stays readable (which role the receiver uses matters when it is
    /// refused), in URLs that parse and in ones that do not.
    @Test(arguments: [
        ("postgres://dossier:hunter2@db.example:5432/recv", "postgres://dossier:***@db.example:5432/recv"),
        ("postgresql://dossier:hun%40ter2@db/recv?sslmode=require", "postgresql://dossier:***@db/recv?sslmode=require"),
        ("postgres://dossier@h:5432/db?sslrootcert=/a@b.pem", "postgres://dossier@h:***@b.pem"),
        ("postgres://dossier@db.example/recv", "postgres://dossier@db.example/recv"),
        ("postgres://dossier:@db/recv", "postgres://dossier:***@db/recv"),
        ("postgres://db.example/recv", "postgres://db.example/recv"),
        // An `@` that may end a password: everything from the first colon to the last `@` is hidden.
        ("postgres://dossier:hun@ter/2@db:99999999/x", "postgres://dossier:***@db:99999999/x"),
        ("postgres://dossier:hunter2@[::1/db", "postgres://dossier:***@[::1/db"),
        ("dossier:hunter2@db", "dossier:***@db"),
    ])
    func redactionHidesThePasswordAndKeepsTheUser(url: String, shown: String) {
        #expect(PostgresStoreSettings.redact(url) == shown)
    }

    @Test func everyShownFormOfTheURLKeepsTheUserAndHidesThePassword() throws {
        let settings = try PostgresStoreSettings(url: "postgres://team:hunter2@db.example:6543/dossier")
        #expect(settings.redacted == "postgres://team:***@db.example:6543/dossier")
        do {
            _ = try PostgresStoreSettings(url: "postgres://team:hunter2@db.example/dossier?sslmode=always")
            Issue.record("accepted sslmode=always")
        } catch {
            #expect(error.description.hasPrefix("store URL postgres://team:***@db.example/dossier?sslmode=always: "))
        }
        let open = PostgresStoreOpenError(shownURL: settings.redacted, reason: "refused")
        #expect(
            open.description == "cannot open the PostgreSQL store postgres://team:***@db.example:6543/dossier: refused")
    }

    /// The feature lock key is a fixed function of the slug: the first 8 bytes of its SHA-256, big-endian.
    @Test func lockKeysAreStableAcrossProcessesAndMachines() {
        #expect(PostgresReceiverStore.lockKey("alpha") == -8_154_903_275_597_228_642)
        #expect(PostgresReceiverStore.lockKey("alpha") != PostgresReceiverStore.lockKey("beta"))
    }
}

/// The PostgreSQL store against a real server: concurrent opens, faults, and the shared-database answers.
@Suite(.enabled(if: TestPostgres.enabled, TestPostgres.disabledReason))
struct PostgresStoreTests {
    static func batch(_ events: [EventEnvelope], id: String) -> IncomingBatch {
        OrderIndependentReductionTests.batch(events, id: id)
    }

    @Test func storesOnSeparateClientsShareOneDatabaseAndEachEventIsAcceptedOnce() async throws {
        let settings = try await TestPostgres.freshDatabase()
        // Three stores (three receivers' pools) opened at once on the empty database: one migration.
        let stores = try await withThrowingTaskGroup(of: PostgresReceiverStore.self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresReceiverStore.open(settings) } }
            var all: [PostgresReceiverStore] = []
            for try await s in group { all.append(s) }
            return all
        }
        defer { for s in stores { s.shutdown() } }
        let events = OrderIndependentReductionTests.scans().flatMap { $0 }
        let answers = try await withThrowingTaskGroup(of: [ReceiverVerdict].self) { group in
            for (n, store) in stores.enumerated() {
                group.addTask { try await store.store(Self.batch(events, id: "same-\(n)")) }
            }
            var all: [[ReceiverVerdict]] = []
            for try await verdicts in group { all.append(verdicts) }
            return all
        }
        for index in events.indices {
            let column = answers.map { $0[index] }
            #expect(column.filter { $0 == .accepted }.count == 1 && column.filter { $0 == .duplicate }.count == 2)
        }
        let counts = try await stores[0].receiveCounts()
        #expect(counts.count == events.count && counts.values.allSatisfy { $0 == 3 })
        let reference = try await OrderIndependentReductionTests.TempStore.make(.sqlite)
        for (i, scan) in OrderIndependentReductionTests.scans().enumerated() {
            _ = try await reference.store.store(Self.batch(scan, id: "r\(i)"))
        }
        let expected = try await OrderIndependentReductionTests.finalState(reference.store)
        for store in stores { #expect(try await OrderIndependentReductionTests.finalState(store) == expected) }
        #expect(try await stores[1].storedBody(eventID: events[0].eventID) == events[0].canonicalJSON())
    }

    /// A feature locked elsewhere (a stuck transaction) and one connection: the store answers "unavailable"
    /// within its timeout instead of hanging; once the lock is gone the retried batch is stored exactly once.
    @Test func aBlockedDatabaseIsUnavailableWithinTheTimeoutNotAHang() async throws {
        var settings = try await TestPostgres.freshDatabase()
        settings.maxConnections = 1
        settings.operationTimeout = .milliseconds(400)
        settings.openTimeout = .seconds(120)  // opening is not what this test times (the whole suite runs at once)
        settings.retryAfterSeconds = 3
        let store = try await PostgresReceiverStore.open(settings)
        defer { store.shutdown() }
        let scan = OrderIndependentReductionTests.scans()[3]
        let (locked, release) = AsyncStream<Void>.makeStream()
        let (held, holding) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await TestPostgres.admin(settings) { connection, logger in
                try await connection.query(
                    "SELECT pg_advisory_lock(\(PostgresReceiverStore.lockKey("beta")))", logger: logger)
                holding.yield()
                for await _ in locked { break }
                try await connection.query(
                    "SELECT pg_advisory_unlock(\(PostgresReceiverStore.lockKey("beta")))", logger: logger)
            }
        }
        for await _ in held { break }
        let started = ContinuousClock.now
        do {
            _ = try await store.store(Self.batch(scan, id: "blocked"))
            Issue.record("stored while the feature was locked")
        } catch let error as ReceiverStoreUnavailable {
            #expect(error.retryAfterSeconds == 3 && error.description.contains("no answer within"))
            #expect(!error.description.contains("password"))
        }
        #expect(ContinuousClock.now - started < .seconds(120), "a hang, not a timeout")
        // The pool's only connection is still waiting for the lock: other requests are unavailable too, quickly.
        await #expect(throws: ReceiverStoreUnavailable.self) { _ = try await store.eventCount() }
        release.yield()
        try await holder.value
        // The sender's retry: the first attempt may have committed after its timeout, so accepted or duplicate,
        // and stored once either way.
        var verdicts: [ReceiverVerdict] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while verdicts.isEmpty, ContinuousClock.now < deadline {
            do { verdicts = try await store.store(Self.batch(scan, id: "retry")) } catch is ReceiverStoreUnavailable {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(verdicts.count == scan.count && verdicts.allSatisfy { $0 == .accepted || $0 == .duplicate })
        #expect(try await store.eventCount() == scan.count)
    }

    /// The one-round-trip path (`dossier_store_batch`) takes a batch only when nothing needs re-verifying: a
    /// batch with a snapshot is not offered to it, and observations falling into a held snapshot's window make it
    /// step back with nothing kept; the full path then verifies. Duplicates on it are counted, not stored.
    @Test func theFastPathStepsBackWhenAHeldSnapshotMustBeReverified() async throws {
        let settings = try await TestPostgres.freshDatabase()
        let store = try await PostgresReceiverStore.open(settings)
        defer { store.shutdown() }
        let scans = OrderIndependentReductionTests.scans()
        let scan = scans[0]
        let snapshot = try #require(scan.last)
        let observations = Array(scan.dropLast())
        func columns(_ events: [EventEnvelope]) -> PostgresFastIngest.Columns? {
            PostgresFastIngest.Columns(
                events, bodies: events.map { ByteBuffer(bytes: $0.canonicalJSON()) }, extraCopies: [:])
        }
        #expect(columns(scan) == nil, "a snapshot always takes the full path")
        let fast = try #require(columns(observations))
        #expect(try await store.store(Self.batch([snapshot], id: "snapshot-first")) == [.accepted])
        var answer: Set<String>?? = .none
        try await TestPostgres.admin(settings) { connection, logger in
            answer = .some(try await PostgresFastIngest.store(
                connection, fast, batchID: "fast", receivedAt: "2026-12-01T00:00:00Z", logger: logger))
        }
        #expect(answer == .some(nil), "the held snapshot's window gains observations: full path")
        #expect(try await store.eventCount() == 1, "nothing of the stepped-back attempt is kept")
        let verdicts = try await store.store(Self.batch(observations, id: "rest"))
        #expect(verdicts.allSatisfy { $0 == .accepted } && verdicts.count == observations.count)
        guard case .verified(_, let id, nil) = try await store.baseline(featureSlug: "alpha", source: "t"),
            case .snapshotComputed(let claim) = snapshot.payload, id == claim.snapshotID
        else {
            Issue.record("alpha not verified by its snapshot")
            return
        }
        // Nothing held any more: the next scan's observations go through the fast path, twice.
        let next = try #require(columns(Array(scans[1].dropLast())))
        var first: Set<String>?
        var again: Set<String>?
        try await TestPostgres.admin(settings) { connection, logger in
            first = try await PostgresFastIngest.store(
                connection, next, batchID: "n1", receivedAt: "2026-12-01T00:00:00Z", logger: logger)
            again = try await PostgresFastIngest.store(
                connection, next, batchID: "n2", receivedAt: "2026-12-01T00:00:00Z", logger: logger)
        }
        #expect(first == Set(next.ids) && again == [])
        let counts = try await store.receiveCounts()
        #expect(next.ids.allSatisfy { counts[$0] == 2 })
        #expect(try await store.eventCount() == scan.count + next.ids.count)
    }

    @Test func anUnreachableServerFailsToOpenQuicklyNamingTheURLWithoutItsPassword() async throws {
        var settings = try PostgresStoreSettings(url: "postgres://u:hunter2@127.0.0.1:1/db?sslmode=disable")
        settings.operationTimeout = .milliseconds(500)
        let started = ContinuousClock.now
        do {
            _ = try await PostgresReceiverStore.open(settings)
            Issue.record("opened a store on port 1")
        } catch let error as PostgresStoreOpenError {
            #expect(error.description.contains("127.0.0.1:1/db") && !error.description.contains("hunter2"))
        }
        // Only a hang fails this bound: on a loaded 2-core machine the whole suite shares two cooperative threads, and
        // this open has been seen to take 123 s there (it takes milliseconds alone).
        #expect(ContinuousClock.now - started < .seconds(600), "a hang, not a timeout")
    }
}
