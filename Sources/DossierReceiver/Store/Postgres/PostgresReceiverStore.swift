import Crypto
import DossierCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The receiver's store on PostgreSQL, for several stateless receivers sharing one database (a team's server).
///
/// Same tables and answers as `SQLiteReceiverStore`. A batch without snapshots whose observations touch no held
/// snapshot is stored in one round trip (`PostgresFastIngest`: the same steps in a server-side function). Otherwise
/// each batch is one transaction: the batch's features are
/// locked with `pg_advisory_xact_lock` (a stable hash of the slug, in sorted order so two receivers never wait on
/// each other in a cycle), the events go in with one multi-row `INSERT … ON CONFLICT (event_id) DO NOTHING
/// RETURNING` (what comes back is accepted, the rest duplicate), the reduction runs (`PostgresReduction`), and the
/// answer is given after `COMMIT` (`synchronous_commit=on`: an answer means durable). The same event sent to two
/// receivers at once is therefore stored once; the second transaction waits for the feature lock and finds it.
///
/// An unreachable, restarting or saturated database makes an operation fail within `operationTimeout` with
/// `ReceiverStoreUnavailable` (the receiver answers 503 with `Retry-After`); the client reconnects by itself.
public final class PostgresReceiverStore: ReceiverStore {
    public let settings: PostgresStoreSettings
    let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// Transaction attempts on a deadlock or serialization failure before giving up (as unavailable).
    static let attempts = 4

    private init(settings: PostgresStoreSettings, client: PostgresClient) {
        self.settings = settings
        self.client = client
        self.runner = Task { await client.run() }
        var logger = Logger(label: "dossier.receiver.postgres")
        logger.logLevel = .critical
        self.logger = logger
    }

    deinit { runner.cancel() }

    /// Connects (the client runs until `shutdown()`) and migrates the schema; throws `PostgresStoreOpenError` when
    /// the database cannot be reached or migrated within `settings.openTimeout` (at least `operationTimeout`).
    public static func open(_ settings: PostgresStoreSettings) async throws -> PostgresReceiverStore {
        let store = PostgresReceiverStore(settings: settings, client: PostgresClient(configuration: try configuration(settings)))
        do {
            let timeout = max(settings.operationTimeout, settings.openTimeout)
            try await Deadline.run(
                timeout,
                onTimeout: { PostgresStoreOpenError(shownURL: settings.redacted, reason: "no answer within \(timeout)") }
            ) { [client = store.client, logger = store.logger] in
                // One direct connection first: the pool retries failed connects quietly, this one says why
                // (refused, unknown host, bad credentials, no such database).
                try await probe(settings, logger: logger)
                try await client.withConnection { connection in
                    _ = try await PostgresMigrations.migrate(connection, logger: logger)
                }
            }
        } catch let error as PostgresStoreOpenError {
            store.shutdown()
            throw error
        } catch {
            store.shutdown()
            throw PostgresStoreOpenError(shownURL: settings.redacted, reason: Self.describe(error))
        }
        return store
    }

    /// Stops the client (its connections close); later operations fail.
    public func shutdown() { runner.cancel() }

    /// Connects once outside the pool and closes again; throws the connection's own error.
    static func probe(_ settings: PostgresStoreSettings, logger: Logger) async throws {
        let pooled = try configuration(settings)
        let tls: PostgresConnection.Configuration.TLS
        switch settings.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration(settings)))
        case .require: tls = .require(try NIOSSLContext(configuration: tlsConfiguration(settings)))
        }
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: tls)
        // The start-up connect gets the open's budget, not one operation's: a loaded machine can take longer than
        // a short operation timeout just to connect (seen: "Connect timeout (400 ms)" under a full test run).
        let (seconds, attoseconds) = max(settings.operationTimeout, settings.openTimeout).components
        configuration.options.connectTimeout = .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        configuration.options.additionalStartupParameters = pooled.options.additionalStartupParameters
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger
        ).get()
        try? await connection.close()
    }

    static func tlsConfiguration(_ settings: PostgresStoreSettings) throws -> TLSConfiguration {
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw PostgresStoreOpenError(
                    shownURL: settings.redacted, reason: "CA file \(caFile) is missing or unreadable")
            }
            tlsConfiguration.trustRoots = .file(caFile)
        }
        return tlsConfiguration
    }

    static func configuration(_ settings: PostgresStoreSettings) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        let tlsConfiguration = try tlsConfiguration(settings)
        switch settings.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(tlsConfiguration)
        case .require: tls = .require(tlsConfiguration)
        }
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: tls)
        configuration.options.maximumConnections = max(1, settings.maxConnections)
        configuration.options.connectTimeout = settings.operationTimeout
        // Durable answers whatever the server's default.
        configuration.options.additionalStartupParameters = [
            ("synchronous_commit", "on"), ("application_name", "dossier-receive"),
        ]
        return configuration
    }

    /// The advisory lock key of a feature: the first 8 bytes of the SHA-256 of its slug, big-endian (stable on
    /// every machine and process, unlike `hashValue`).
    public static func lockKey(_ slug: String) -> Int64 {
        let digest = Array(SHA256.hash(data: Data(slug.utf8)))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int64(bitPattern: value)
    }

    /// Runs `body` on a pooled connection within `operationTimeout`; any failure to reach or use the database
    /// becomes `ReceiverStoreUnavailable`.
    private func withDatabase<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws -> T
    {
        let settings = self.settings
        do {
            return try await Deadline.run(
                settings.operationTimeout,
                onTimeout: {
                    ReceiverStoreUnavailable(
                        reason: "PostgreSQL at \(settings.redacted) gave no answer within \(settings.operationTimeout)",
                        retryAfterSeconds: settings.retryAfterSeconds)
                }
            ) { [client] in
                try await client.withConnection { connection in try await body(connection) }
            }
        } catch let error as ReceiverStoreUnavailable {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw ReceiverStoreUnavailable(
                reason: "PostgreSQL at \(settings.redacted): \(Self.describe(error))",
                retryAfterSeconds: settings.retryAfterSeconds)
        }
    }

    /// A PostgreSQL error as a line of text (PSQLError's own description hides everything on purpose).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        var text = "\(error.code)"
        if let message = error.serverInfo?[.message] { text += ": " + message }
        if let state = error.serverInfo?[.sqlState] { text += " (SQLSTATE \(state))" }
        if let underlying = error.underlying { text += ": \(underlying)" }
        return TerminalText.escape(text, limit: 500)
    }

    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    public func store(_ batch: IncomingBatch) async throws -> [ReceiverVerdict] {
        var verdicts: [ReceiverVerdict?] = Array(repeating: nil, count: batch.events.count)
        // The first copy of each event id in the batch is inserted; later copies are duplicates.
        var firstIndex: [String: Int] = [:]
        var extraCopies: [String: Int] = [:]
        var firsts: [Int] = []
        for (index, event) in batch.events.enumerated() {
            guard let envelope = event.envelope else {
                verdicts[index] = .rejected(event.rejection ?? "invalid event")
                continue
            }
            if firstIndex[envelope.eventID] != nil {
                verdicts[index] = .duplicate
                extraCopies[envelope.eventID, default: 0] += 1
            } else {
                firstIndex[envelope.eventID] = index
                firsts.append(index)
            }
        }
        guard !firsts.isEmpty else { return verdicts.map { $0 ?? .duplicate } }
        let events = batch.events
        let envelopes = firsts.compactMap { events[$0].envelope }
        let bodies = firsts.map { ByteBuffer(bytes: events[$0].raw) }
        let batchID = batch.batchID
        let receivedAt = batch.receivedAt
        let extra = extraCopies
        let logger = self.logger
        let columns = PostgresFastIngest.Columns(envelopes, bodies: bodies, extraCopies: extra)
        let inserted = try await withDatabase { connection in
            var attempt = 1
            while true {
                do {
                    if let columns, let inserted = try await PostgresFastIngest.store(
                        connection, columns, batchID: batchID, receivedAt: receivedAt, logger: logger)
                    {
                        return inserted
                    }
                    return try await Self.transaction(
                        connection, envelopes, bodies, batchID, receivedAt, extra, logger)
                } catch where Self.isRetryable(error) && attempt < Self.attempts {
                    attempt += 1
                }
            }
        }
        for index in firsts {
            guard let id = events[index].envelope?.eventID else { continue }
            verdicts[index] = inserted.contains(id) ? .accepted : .duplicate
        }
        return verdicts.map { $0 ?? .duplicate }
    }

    /// One batch's transaction; returns the ids it inserted. Rolled back on any error.
    private static func transaction(
        _ connection: PostgresConnection, _ envelopes: [EventEnvelope], _ bodies: [ByteBuffer], _ batchID: String,
        _ receivedAt: String, _ extraCopies: [String: Int], _ logger: Logger
    ) async throws -> Set<String> {
        try await connection.query("BEGIN", logger: logger)
        do {
            let keys = Array(Set(envelopes.map { lockKey($0.payload.featureSlug) })).sorted()
            try await connection.query(
                "SELECT pg_advisory_xact_lock(k) FROM unnest(\(keys)::int8[]) AS k", logger: logger)
            let ids = envelopes.map(\.eventID)
            let types = envelopes.map(\.eventType.rawValue)
            let slugs = envelopes.map(\.payload.featureSlug)
            let times = envelopes.map(\.timestamp)
            var inserted: Set<String> = []
            for try await id in try await connection.query(
                """
                INSERT INTO received_events (event_id, event_type, feature_slug, timestamp, body, batch_id, received_at)
                SELECT e.id, e.type, e.slug, e.at, e.body, \(batchID), \(receivedAt)
                FROM unnest(\(ids)::text[], \(types)::text[], \(slugs)::text[], \(times)::text[], \(bodies)::bytea[])
                    AS e(id, type, slug, at, body)
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id
                """, logger: logger
            ).decode(String.self) {
                inserted.insert(id)
            }
            // Receive counts: every copy beyond the one stored.
            var countIDs: [String] = []
            var countAdds: [Int] = []
            for id in ids {
                let add = (extraCopies[id] ?? 0) + (inserted.contains(id) ? 0 : 1)
                if add > 0 {
                    countIDs.append(id)
                    countAdds.append(add)
                }
            }
            if !countIDs.isEmpty {
                try await connection.query(
                    """
                    UPDATE received_events SET receive_count = receive_count + u.n
                    FROM unnest(\(countIDs)::text[], \(countAdds)::int8[]) AS u(id, n)
                    WHERE received_events.event_id = u.id
                    """, logger: logger)
            }
            try await PostgresReduction(connection: connection, logger: logger).apply(
                envelopes.filter { inserted.contains($0.eventID) })
            try await connection.query("COMMIT", logger: logger)
            return inserted
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    public func eventCount() async throws -> Int {
        let logger = self.logger
        return try await withDatabase { connection in
            var count = 0
            for try await n in try await connection.query("SELECT COUNT(*) FROM received_events", logger: logger)
                .decode(Int.self)
            {
                count = n
            }
            return count
        }
    }

    public func receiveCounts() async throws -> [String: Int] {
        let logger = self.logger
        return try await withDatabase { connection in
            var result: [String: Int] = [:]
            for try await (id, count) in try await connection.query(
                "SELECT event_id, receive_count FROM received_events", logger: logger
            ).decode((String, Int).self) {
                result[id] = count
            }
            return result
        }
    }

    public func storedBody(eventID: String) async throws -> Data? {
        let logger = self.logger
        return try await withDatabase { connection in
            var body: Data?
            for try await buffer in try await connection.query(
                "SELECT body FROM received_events WHERE event_id = \(eventID)", logger: logger
            ).decode(ByteBuffer.self) {
                body = Data(buffer.readableBytesView)
            }
            return body
        }
    }

    /// Runs `body` in a read-only REPEATABLE READ transaction: one consistent view across its queries.
    private func snapshotRead<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T)
        async throws -> T
    {
        let logger = self.logger
        return try await withDatabase { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let value = try await body(connection, logger)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    public func baseline(featureSlug: String, source: String) async throws -> BaselineAnswer {
        try await snapshotRead { connection, logger in
            let pending = try await Self.pendingSnapshots(connection, logger, featureSlug: featureSlug)[featureSlug]
            var served: (parity: String, snapshotID: String, at: String)?
            for try await (parity, id, at) in try await connection.query(
                """
                SELECT parity_hash, snapshot_id, snapshot_at FROM features
                WHERE feature_slug = \(featureSlug) AND parity_hash IS NOT NULL
                """, logger: logger
            ).decode((String, String?, String?).self) {
                served = (parity, id ?? "", at ?? "")
            }
            guard let served else { return pending.map { .pending($0) } ?? .unknown }
            var entries: [BaselineEntry] = []
            for try await (key, path, hash, status) in try await connection.query(
                """
                SELECT artifact_key, relative_path, content_hash, required_status FROM catalog
                WHERE feature_slug = \(featureSlug)
                """, logger: logger
            ).decode((String, String, String, String).self) {
                entries.append(
                    BaselineEntry(
                        key: key, relativePath: path, contentHashSHA256: hash,
                        requiredStatus: RequiredStatus(rawValue: status) ?? .optional))
            }
            entries.sort { Array($0.relativePath.utf8).lexicographicallyPrecedes(Array($1.relativePath.utf8)) }
            let baseline = Baseline(
                featureSlug: featureSlug, missionType: "unknown", parityHashSHA256: served.parity, entries: entries,
                acceptedAt: served.at, source: source)
            return .verified(baseline, snapshotID: served.snapshotID, pending: pending)
        }
    }

    /// The newest held snapshot per feature (of one feature, or of all when `featureSlug` is nil).
    private static func pendingSnapshots(_ connection: PostgresConnection, _ logger: Logger, featureSlug: String?)
        async throws -> [String: PendingSnapshot]
    {
        var result: [String: PendingSnapshot] = [:]
        for try await (slug, id, at, received, missing) in try await connection.query(
            """
            SELECT DISTINCT ON (feature_slug) feature_slug, snapshot_id, snapshot_at, received, missing
            FROM snapshots WHERE (\(featureSlug)::text IS NULL OR feature_slug = \(featureSlug))
            ORDER BY feature_slug, order_key DESC, event_id DESC
            """, logger: logger
        ).decode((String, String, String, Int, Int).self) {
            result[slug] = PendingSnapshot(
                featureSlug: slug, snapshotID: id, snapshotAt: at, receivedArtifacts: received, missingArtifacts: missing)
        }
        return result
    }

    public func summaries() async throws -> [FeatureSummary] {
        try await snapshotRead { connection, logger in
            let pending = try await Self.pendingSnapshots(connection, logger, featureSlug: nil)
            var result: [FeatureSummary] = []
            for try await (slug, parity, completeness, snapshotID, at, events, lastAt, artifacts) in try await connection
                .query(
                    """
                    SELECT f.feature_slug, f.parity_hash, f.completeness, f.snapshot_id, f.snapshot_at, f.events,
                           f.last_event_at,
                           (SELECT COUNT(*) FROM catalog c WHERE c.feature_slug = f.feature_slug)
                    FROM features f
                    """, logger: logger
                ).decode((String, String?, String?, String?, String?, Int, String?, Int).self)
            {
                let held = pending[slug]
                result.append(
                    FeatureSummary(
                        featureSlug: slug, parityHashSHA256: parity, completenessStatus: completeness,
                        snapshotID: snapshotID, snapshotAt: at, artifactCount: artifacts, eventsReceived: events,
                        lastEventAt: lastAt, pendingSnapshotID: held?.snapshotID,
                        pendingMissingArtifacts: held?.missingArtifacts))
            }
            return result.sorted { Array($0.featureSlug.utf8).lexicographicallyPrecedes(Array($1.featureSlug.utf8)) }
        }
    }
}

/// The PostgreSQL store could not be opened (unreachable, refused the credentials, or the migration failed).
public struct PostgresStoreOpenError: Error, CustomStringConvertible {
    public var shownURL: String
    public var reason: String
    public var description: String { "cannot open the PostgreSQL store \(shownURL): \(reason)" }
}
