import Foundation
import GRDB
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The durable offline queue (outbox): one SQLite database in WAL mode with `synchronous=FULL`, shared
/// safely by several processes (busy timeout; claims are a single atomic `UPDATE … RETURNING`).
///
/// The cap counts undelivered rows (pending + in_flight + dead); delivered rows do not count, since they are
/// kept only until `purgeDelivered` prunes them.
public final class EventQueue: Sendable {
    /// The database file.
    public let path: String
    /// Maximum undelivered events; appends beyond it are refused whole.
    public let capacity: Int
    private let pool: DatabasePool
    /// A read-only connection of its own for `dataVersion`, opened by the first call: never waits behind the
    /// writer, and sees every commit (this process's writer is another connection to it). Closed before the pool,
    /// so the pool's last connection still checkpoints and removes the WAL on close.
    private let watcher = Mutex<DatabaseQueue?>(nil)

    static let refusedKey = "refused_at_cap"

    /// Opens (creating if needed) the queue at `path`: missing folders are created 0700, the file 0600 (whatever the
    /// umask). Before anything can write, `PRAGMA quick_check` runs on a read-only connection: a damaged file is
    /// refused with `.corrupt` and left byte-for-byte untouched. Check, open and migrations run under an exclusive
    /// lock on the folder, so processes racing on a fresh state directory all succeed.
    /// `readOnly` opens without migrating or writing (for tests and inspection).
    public init(path: String, capacity: Int = 100_000, readOnly: Bool = false) throws(QueueError) {
        self.path = path
        self.capacity = capacity
        let folder = OwnerOnlyFiles.parentPath(path)
        if !readOnly {
            do throws(OwnerOnlyError) { try OwnerOnlyFiles.prepareFile(path) } catch {
                throw .cannotOpen(path: path, message: error.description)
            }
        }
        let lock = readOnly ? nil : try QueueOpenLock(folder: folder, queuePath: path)
        defer { lock?.release() }
        try QueueIntegrity.check(path)
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(30)
        config.label = "dossier.queue"
        config.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            if !readOnly {
                // GRDB sets synchronous=NORMAL on the writer when it enables WAL: restore FULL afterwards.
                // A larger page cache on the writer keeps a big scan's index pages in memory until commit.
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768")
                }
                try QueueMigrations.migrator.migrate(pool)
            } else {
                _ = try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") }
            }
        } catch {
            throw QueueError.from(error, path: path, operation: "open")
        }
    }

    /// Convenience: the queue of a state directory (`<stateDir>/queue.sqlite`).
    public convenience init(stateDirectory: String, capacity: Int = 100_000) throws(QueueError) {
        try self.init(path: (stateDirectory as NSString).appendingPathComponent("queue.sqlite"), capacity: capacity)
    }

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(QueueError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw QueueError.from(error, path: path, operation: operation)
        }
    }

    /// `write` off the caller's thread: GRDB runs it on the writer's own queue while the task is suspended, so
    /// a FULL-fsync commit never blocks the cooperative pool. Cancellation-aware (GRDB throws
    /// `CancellationError`): callers that must commit whatever happens run it in an unstructured task.
    private func writeAsync<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T)
        async throws(QueueError) -> T
    {
        do {
            return try await pool.write(body)
        } catch {
            throw QueueError.from(error, path: path, operation: operation)
        }
    }

    /// `read` without blocking the cooperative pool (GRDB's reader queues).
    private func readAsync<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T)
        async throws(QueueError) -> T
    {
        do {
            return try await pool.read(body)
        } catch {
            throw QueueError.from(error, path: path, operation: operation)
        }
    }

    /// One read on a pooled reader connection (internal: the paging queries in `EventQueuePaging.swift` use it).
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(QueueError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw QueueError.from(error, path: path, operation: operation)
        }
    }

    // MARK: Appending

    /// Appends a scan's events in ONE transaction: all or none. Each event is validated first (an invalid one
    /// refuses the batch: the emitter already filters them). A known `event_id` is a no-op counted as duplicate.
    /// Refuses with `.capacityExceeded` (and bumps the refused counter) when the new events would exceed the cap.
    @discardableResult
    public func append(_ events: [EventEnvelope], now: Date = Date()) throws(QueueError) -> AppendResult {
        var rows: [(EventEnvelope, Data)] = []
        rows.reserveCapacity(events.count)
        for event in events {
            do throws(EventValidationError) {
                try event.validate()
            } catch {
                throw .invalidEvent(error)
            }
            rows.append((event, event.canonicalJSON()))
        }
        return try append(encoded: rows, now: now)
    }

    private func append(encoded rows: [(EventEnvelope, Data)], now: Date) throws(QueueError) -> AppendResult {
        let t = now.timeIntervalSince1970
        let capacity = self.capacity
        do {
            return try write("append") { db in
                let current =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM events WHERE state IN ('pending', 'in_flight', 'dead')")
                    ?? 0
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO events(event_id, event_type, feature_slug, body, byte_count, state, attempts,
                            next_attempt_at, enqueued_at)
                        VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT(event_id) DO NOTHING
                        """)
                var inserted = 0
                for (event, body) in rows {
                    try insert.execute(arguments: [
                        event.eventID, event.eventType.rawValue, event.payload.featureSlug, body, body.count, t, t,
                    ])
                    inserted += db.changesCount
                }
                if current + inserted > capacity {
                    throw QueueError.capacityExceeded(current: current, incoming: inserted, capacity: capacity)
                }
                return AppendResult(inserted: inserted, duplicates: rows.count - inserted)
            }
        } catch {
            if case .capacityExceeded(_, let incoming, _) = error {
                // Best effort: the refusal itself must still be reported even if the counter cannot be written.
                _ = try? write("count refused events") { db in
                    try db.execute(
                        sql: """
                            INSERT INTO queue_meta(key, value) VALUES (?, ?)
                            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + ? AS TEXT)
                            """, arguments: [Self.refusedKey, String(incoming), incoming])
                }
            }
            throw error
        }
    }

    // MARK: Reading

    static let columns = """
        seq, event_id, event_type, feature_slug, body, state, attempts, next_attempt_at, last_error, lease_owner,
        lease_expires_at, enqueued_at, delivered_at
        """

    /// Decodes a row selected with `columns`, by position (a lookup by name costs more than the rest of the
    /// decoding). A `state` this version does not know is an error naming the row, never a guess.
    static func queuedEvent(_ row: Row) throws -> QueuedEvent {
        let seq: Int64 = row[0]
        return QueuedEvent(
            seq: seq, eventID: row[1], eventType: row[2], featureSlug: row[3], body: row[4],
            state: try state(row[5], seq: seq), attempts: row[6],
            nextAttemptAt: Date(timeIntervalSince1970: row[7]), lastError: row[8], leaseOwner: row[9],
            leaseExpiresAt: (row[10] as Double?).map(Date.init(timeIntervalSince1970:)),
            enqueuedAt: Date(timeIntervalSince1970: row[11]),
            deliveredAt: (row[12] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    /// The delivery state columns, without the body: what `apply` reads per outcome.
    static let rowColumns =
        "seq, state, attempts, next_attempt_at, last_error, lease_owner, lease_expires_at, delivered_at"

    /// Decodes a row selected with `rowColumns`, starting at column `first`.
    static func queueRow(_ row: Row, from first: Int = 0) throws -> (seq: Int64, row: QueueRow) {
        let seq: Int64 = row[first]
        let queueRow = QueueRow(
            state: try state(row[first + 1], seq: seq), attempts: row[first + 2],
            nextAttemptAt: Date(timeIntervalSince1970: row[first + 3]), lastError: row[first + 4],
            leaseOwner: row[first + 5],
            leaseExpiresAt: (row[first + 6] as Double?).map(Date.init(timeIntervalSince1970:)),
            deliveredAt: (row[first + 7] as Double?).map(Date.init(timeIntervalSince1970:)))
        return (seq, queueRow)
    }

    /// `QueueError.from` adds the path.
    static func state(_ value: String, seq: Int64) throws(QueueError) -> QueueState {
        guard let state = QueueState(rawValue: value) else {
            throw .unknownState(path: "", seq: seq, value: value)
        }
        return state
    }

    /// Events in queue order (`seq`), optionally of one state; `newestFirst` reverses the order.
    public func list(state: QueueState? = nil, limit: Int = 100, newestFirst: Bool = false) throws(QueueError)
        -> [QueuedEvent]
    {
        let order = newestFirst ? "DESC" : "ASC"
        return try read("list") { db in
            if let state {
                return try Row.fetchAll(
                    db, sql: "SELECT \(Self.columns) FROM events WHERE state = ? ORDER BY seq \(order) LIMIT ?",
                    arguments: [state.rawValue, limit]
                ).map(Self.queuedEvent)
            }
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.columns) FROM events ORDER BY seq \(order) LIMIT ?", arguments: [limit]
            ).map(Self.queuedEvent)
        }
    }

    /// Looks events up by id (missing ids are left out).
    public func events(ids: [String]) throws(QueueError) -> [QueuedEvent] {
        try read("lookup") { db in
            try ids.compactMap { id in
                try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM events WHERE event_id = ?", arguments: [id])
                    .map(Self.queuedEvent)
            }
        }
    }

    /// Counts per state, oldest pending age, next attempt time, cap, refused counter and endpoint states.
    public func status(now: Date = Date()) throws(QueueError) -> QueueStatus {
        let capacity = self.capacity
        return try read("status") { db in
            var counts = Dictionary(uniqueKeysWithValues: QueueState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*), MIN(seq) FROM events GROUP BY state")
            {
                counts[try Self.state(row[0], seq: row[2])] = row[1]
            }
            let pending = try Row.fetchOne(
                db,
                sql:
                    "SELECT MIN(enqueued_at) AS oldest, MIN(next_attempt_at) AS next FROM events WHERE state = 'pending'"
            )
            let oldest: Double? = pending?["oldest"]
            let next: Double? = pending?["next"]
            let refused = try String.fetchOne(
                db, sql: "SELECT value FROM queue_meta WHERE key = ?", arguments: [Self.refusedKey])
            let endpoints = try DeliveryLog.endpoints(db, now: now)
            return QueueStatus(
                counts: counts, oldestPendingAge: oldest.map { max(0, now.timeIntervalSince1970 - $0) },
                nextAttemptAt: next.map(Date.init(timeIntervalSince1970:)), capacity: capacity,
                refusedCount: refused.flatMap { Int($0) } ?? 0, endpoints: endpoints)
        }
    }

    /// The most recent delivery attempts, newest first (written by the delivery engine, see `DeliveryLog`).
    public func recentAttempts(limit: Int = 50) throws(QueueError) -> [DeliveryAttemptRecord] {
        try read("recent attempts") { db in try DeliveryLog.recentAttempts(db, limit: limit) }
    }

    /// A value that changes whenever the queue changes, in this process or another: `PRAGMA data_version` of a
    /// read-only connection of its own, so a poll never waits behind a long append. Poll it to notice writes cheaply.
    public func dataVersion() throws(QueueError) -> Int {
        do {
            return try watcher.withLock { watcher in
                let connection: DatabaseQueue
                if let watcher {
                    connection = watcher
                } else {
                    var watch = Configuration()
                    watch.readonly = true
                    watch.busyMode = .timeout(30)
                    watch.label = "dossier.queue.version"
                    connection = try DatabaseQueue(path: path, configuration: watch)
                    watcher = connection
                }
                return try connection.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
            }
        } catch {
            throw QueueError.from(error, path: path, operation: "data_version")
        }
    }

    deinit {
        watcher.withLock { watcher in try? watcher?.close() }
    }

    /// `PRAGMA integrity_check`: `ok`, or the problems found, one per line.
    public func integrityCheck() throws(QueueError) -> String {
        try read("integrity check") { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
        }
    }

    /// The `synchronous` setting of the writer connection (2 = FULL). Exposed so tests and `queue status` can
    /// prove durability is on.
    public func writerSynchronous() throws(QueueError) -> Int {
        do {
            return try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        } catch {
            throw QueueError.from(error, path: path, operation: "read synchronous")
        }
    }

    // MARK: Maintenance

    /// Manual retry: dead → pending (due now, attempts reset). `nil` retries every dead event. Returns the count.
    @discardableResult
    public func retryDead(eventIDs: [String]?, now: Date = Date()) throws(QueueError) -> Int {
        try write("retry dead") { db in
            let candidates: [QueuedEvent]
            if let eventIDs {
                candidates = try eventIDs.compactMap { id in
                    try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM events WHERE event_id = ?", arguments: [id])
                        .map(Self.queuedEvent)
                }
            } else {
                candidates = try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM events WHERE state = 'dead'")
                    .map(Self.queuedEvent)
            }
            var changed = 0
            for event in candidates {
                guard let next = QueueTransitions.retryDead(event.row, now: now) else { continue }
                try Self.store(next, seq: event.seq, db: db)
                changed += 1
            }
            return changed
        }
    }

    /// Deletes delivered events (all, or those delivered before `olderThan`). Returns the count.
    @discardableResult
    public func purgeDelivered(olderThan: Date?) throws(QueueError) -> Int {
        try write("purge delivered") { db in
            if let olderThan {
                try db.execute(
                    sql: "DELETE FROM events WHERE state = 'delivered' AND delivered_at < ?",
                    arguments: [olderThan.timeIntervalSince1970])
            } else {
                try db.execute(sql: "DELETE FROM events WHERE state = 'delivered'")
            }
            return db.changesCount
        }
    }

    // MARK: Delivery-facing

    /// Atomically claims due events in `seq` order for `owner` (one `UPDATE … RETURNING`): pending rows with
    /// `next_attempt_at <= now` and in-flight rows whose lease expired, up to `limit` events and `maxBytes` of
    /// bodies (always at least one when any is due). Two workers never get the same event. Walks the
    /// `events_state_seq` index in `seq` order and stops at `limit`, so a large backlog is never sorted per claim.
    public func claimDue(now: Date, limit: Int, maxBytes: Int, leaseSeconds: Double, owner: String)
        async throws(QueueError) -> [QueuedEvent]
    {
        let t = now.timeIntervalSince1970
        return try await writeAsync("claim") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    UPDATE events SET state = 'in_flight', lease_owner = :owner, lease_expires_at = :until
                    WHERE seq IN (
                        SELECT seq FROM (
                            SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS rn,
                                   SUM(byte_count) OVER (ORDER BY seq ROWS UNBOUNDED PRECEDING) AS cum
                            FROM (
                                SELECT seq, byte_count FROM (
                                    SELECT seq, byte_count FROM events INDEXED BY events_state_seq
                                    WHERE state = 'pending' AND next_attempt_at <= :now ORDER BY seq LIMIT :limit)
                                UNION ALL
                                SELECT seq, byte_count FROM (
                                    SELECT seq, byte_count FROM events INDEXED BY events_state_seq
                                    WHERE state = 'in_flight' AND lease_expires_at <= :now ORDER BY seq LIMIT :limit)
                                ORDER BY seq LIMIT :limit))
                        WHERE rn = 1 OR cum <= :maxBytes)
                    RETURNING \(Self.columns)
                    """,
                arguments: [
                    "owner": owner, "until": t + leaseSeconds, "now": t, "limit": max(0, limit), "maxBytes": maxBytes,
                ])
            return try rows.map(Self.queuedEvent).sorted { $0.seq < $1.seq }
        }
    }

    /// What `complete` did: how many outcomes changed a row, and the ids left alone (not in flight, or leased
    /// by someone else, or unknown).
    public struct CompletionResult: Sendable, Equatable {
        public var applied: Int
        public var ignored: [String]
    }

    /// Records a worker's outcomes in one transaction. Only rows still in flight and leased by `owner` change;
    /// the transitions are decided by `QueueTransitions.apply`.
    @discardableResult
    public func complete(_ outcomes: [DeliveryOutcome], owner: String, now: Date) async throws(QueueError)
        -> CompletionResult
    {
        try await writeAsync("complete") { db in try Self.apply(outcomes, owner: owner, now: now, db: db) }
    }

    /// One group commit of the delivery engine, in ONE transaction: every answered attempt's outcomes (as
    /// `complete`), its `delivery_attempts` row and endpoint state (through `DeliveryLog`), then the claims given
    /// back untouched. One fsync for many requests.
    @discardableResult
    public func commit(_ group: DeliveryCommit, owner: String) async throws(QueueError) -> CompletionResult {
        try await writeAsync("record delivery attempts") { db in
            var result = CompletionResult(applied: 0, ignored: [])
            for attempt in group.attempts {
                let applied = try Self.apply(attempt.outcomes, owner: owner, now: attempt.now, db: db)
                result.applied += applied.applied
                result.ignored += applied.ignored
                try DeliveryLog.record(attempt.log, verdict: attempt.verdict, window: group.window, db: db)
            }
            let released = try Self.apply(
                group.releases.map { .release($0) }, owner: owner, now: group.releasedAt, db: db)
            result.applied += released.applied
            result.ignored += released.ignored
            return result
        }
    }

    /// What is left to deliver: counts of pending and in-flight events and the earliest pending attempt time.
    public func backlog() async throws(QueueError) -> DeliveryBacklog {
        try await readAsync("backlog") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FILTER (WHERE state = 'pending') AS pending,
                        COUNT(*) FILTER (WHERE state = 'in_flight') AS in_flight,
                        MIN(next_attempt_at) FILTER (WHERE state = 'pending') AS next
                    FROM events INDEXED BY events_state_seq WHERE state IN ('pending', 'in_flight')
                    """)
            return DeliveryBacklog(
                pending: row?["pending"] ?? 0, inFlight: row?["in_flight"] ?? 0,
                nextAttemptAt: (row?["next"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// Events in flight under a lease of another owner that has not expired at `now`, and the latest end of
    /// those leases (a flush still running, or one killed before it gave its claim back).
    public func leasedElsewhere(owner: String, now: Date) async throws(QueueError) -> (count: Int, until: Date?) {
        let t = now.timeIntervalSince1970
        return try await readAsync("leases") { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS n, MAX(lease_expires_at) AS until FROM events INDEXED BY events_state_seq
                    WHERE state = 'in_flight' AND lease_expires_at > ? AND lease_owner IS NOT ?
                    """,
                arguments: [t, owner])
            return (row?["n"] ?? 0, (row?["until"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// The one place outcomes meet rows: read the row, ask `QueueTransitions.apply`, store what it returns.
    private static func apply(_ outcomes: [DeliveryOutcome], owner: String, now: Date, db: Database) throws
        -> CompletionResult
    {
        var result = CompletionResult(applied: 0, ignored: [])
        // The rows of a whole group in a few statements (not one SELECT per outcome).
        var rows: [String: (seq: Int64, row: QueueRow)] = [:]
        rows.reserveCapacity(outcomes.count)
        let ids = outcomes.map(\.eventID)
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(ids.count, start + Self.lookupChunk)])
            start += chunk.count
            let marks = repeatElement("?", count: chunk.count).joined(separator: ",")
            // Cached: a flush's batches are mostly the same size, so the statement is prepared once.
            let lookup = try db.cachedStatement(
                sql: "SELECT event_id, \(Self.rowColumns) FROM events WHERE event_id IN (\(marks))")
            let cursor = try Row.fetchCursor(lookup, arguments: StatementArguments(chunk))
            while let row = try cursor.next() {
                let id: String = row[0]
                rows[id] = try Self.queueRow(row, from: 1)
            }
        }
        // Consecutive outcomes that give rows the same new values (a delivered batch: all of them) are written by
        // one statement. A row applied once leaves `in_flight`, so no seq is written twice.
        var run: (row: QueueRow, seqs: [Int64])?
        for outcome in outcomes {
            guard
                let event = rows[outcome.eventID],
                let next = QueueTransitions.apply(outcome, to: event.row, owner: owner, now: now)
            else {
                result.ignored.append(outcome.eventID)
                continue
            }
            if run?.row == next, let count = run?.seqs.count, count < Self.lookupChunk {
                run?.seqs.append(event.seq)
            } else {
                if let run { try Self.store(run.row, seqs: run.seqs, db: db) }
                run = (next, [event.seq])
            }
            // An id listed twice sees its first outcome's result, as one statement per outcome would.
            rows[outcome.eventID] = (event.seq, next)
            result.applied += 1
        }
        if let run { try Self.store(run.row, seqs: run.seqs, db: db) }
        return result
    }

    /// Ids looked up per statement (well under SQLite's limit of bound parameters).
    static let lookupChunk = 500

    /// Writes the same new values to the rows `seqs` (at most `lookupChunk` of them) in one statement.
    private static func store(_ row: QueueRow, seqs: [Int64], db: Database) throws {
        guard seqs.count > 1 else {
            if let seq = seqs.first { try store(row, seq: seq, db: db) }
            return
        }
        let marks = repeatElement("?", count: seqs.count).joined(separator: ",")
        let update = try db.cachedStatement(
            sql: """
                UPDATE events SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, lease_owner = ?,
                    lease_expires_at = ?, delivered_at = ? WHERE seq IN (\(marks))
                """)
        var arguments: StatementArguments = [
            row.state.rawValue, row.attempts, row.nextAttemptAt.timeIntervalSince1970, row.lastError,
            row.leaseOwner, row.leaseExpiresAt?.timeIntervalSince1970, row.deliveredAt?.timeIntervalSince1970,
        ]
        arguments += StatementArguments(seqs)
        try update.execute(arguments: arguments)
    }

    private static func store(_ row: QueueRow, seq: Int64, db: Database) throws {
        let update = try db.cachedStatement(
            sql: """
                UPDATE events SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ?, lease_owner = ?,
                    lease_expires_at = ?, delivered_at = ? WHERE seq = ?
                """)
        try update.execute(arguments: [
            row.state.rawValue, row.attempts, row.nextAttemptAt.timeIntervalSince1970, row.lastError,
            row.leaseOwner, row.leaseExpiresAt?.timeIntervalSince1970, row.deliveredAt?.timeIntervalSince1970, seq,
        ])
    }
}
