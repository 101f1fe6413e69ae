import DossierCore
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// The team receiver (issue 13): several real `dossier receive` processes on one real PostgreSQL database,
/// fed by real `dossier queue flush` senders. Needs `DOSSIER_TEST_POSTGRES_URL` (see `TeamPostgres`).
@Suite(.enabled(if: TeamPostgres.enabled, TeamPostgres.disabledReason))
struct PostgresTeamReceiverTests {
    @Test func threeReceiversStartingAtOnceOnAnEmptyDatabaseMigrateOnceAndAllServe() async throws {
        let database = try await TeamPostgres.createDatabase()
        let dir = try BinaryRunner.tempDirectory("pg-first-start")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secretFile = try LocalState.secretFile(in: dir)
        let receivers = try await withThrowingTaskGroup(of: TeamReceiver.self) { group in
            for _ in 0..<3 { group.addTask { try await TeamReceiver.start(store: database, secretFile: secretFile) } }
            var all: [TeamReceiver] = []
            for try await r in group { all.append(r) }
            return all
        }
        for r in receivers {
            let health = try await TeamHTTP.get(r.base + "/healthz")
            #expect(health.status == 200 && health.body.contains(#""events":0"#), "\(health)")
        }
        let migrations = "SELECT string_agg(id, ',' ORDER BY id) FROM dossier_receiver_migrations"
        #expect(try await TeamPostgres.value(database, migrations) == "v1,v2")
        for r in receivers { #expect(await r.stop() == 0) }
    }

    /// A feature held elsewhere (a stuck transaction) past `--pg-timeout-ms`: the receiver answers 503 with
    /// `Retry-After`, within the timeout, not a hang. Once the lock is gone the sender's retry is answered 200 and
    /// the batch is stored once (the first attempt may have gone in after its answer: accepted or duplicate).
    @Test func aBlockedDatabaseIsAnswered503WithRetryAfterAndTheRetryIsStoredOnce() async throws {
        let database = try await TeamPostgres.createDatabase()
        let dir = try BinaryRunner.tempDirectory("pg-503")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secretFile = try LocalState.secretFile(in: dir)
        let receiver = try await TeamReceiver.start(
            store: database, secretFile: secretFile, extra: ["--pg-timeout-ms", "500"])
        try await TeamEvents.fill(state: dir + "/q", slug: "held", count: 9)
        // The feature's lock key (first 8 bytes of the slug's SHA-256), held by a psql session until killed.
        let key = "('x' || encode(substring(sha256('held'::bytea) from 1 for 8), 'hex'))::bit(64)::bigint"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["psql", database, "-X", "-q", "-c", "SELECT pg_advisory_lock(\(key)), pg_sleep(120)"]
        holder.environment = ProcessInfo.processInfo.environment.merging(["PGAPPNAME": "dossier-lock-holder"]) { $1 }
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        let held = """
            SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        let deadline = ContinuousClock.now + .seconds(60)
        while try await TeamPostgres.value(database, held) == "0" {
            guard ContinuousClock.now < deadline else {
                Issue.record("psql never took the lock")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let queue = dir + "/q/queue.sqlite"
        let started = ContinuousClock.now
        let blocked = try await TeamHTTP.postQueue(queue, secretFile: secretFile, to: receiver.webhook)
        #expect(blocked.status == 503 && blocked.retryAfter != nil, "\(blocked)")
        #expect(ContinuousClock.now - started < .seconds(60), "a hang, not a timeout")
        // Ends the holder's session on the server (killing psql alone leaves its query running).
        _ = try await TeamPostgres.value(
            database,
            """
            SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE application_name = 'dossier-lock-holder' AND datname = current_database()
            """)
        await holder.exited()
        var retry = try await TeamHTTP.postQueue(queue, secretFile: secretFile, to: receiver.webhook)
        let retryDeadline = ContinuousClock.now + .seconds(60)
        while retry.status == 503, ContinuousClock.now < retryDeadline {
            try await Task.sleep(for: .milliseconds(200))
            retry = try await TeamHTTP.postQueue(queue, secretFile: secretFile, to: receiver.webhook)
        }
        #expect(retry.status == 200 && !retry.body.contains("rejected"), "\(retry)")
        #expect(try await TeamPostgres.value(database, "SELECT COUNT(*) FROM received_events") == "10")
        #expect(await receiver.stop() == 0)
    }

    /// The start-up line names the store with the user and without the password (the test server trusts local
    /// connections, so the password is never asked for).
    @Test func theStartUpLineShowsTheUserButNotThePassword() async throws {
        let database = try await TeamPostgres.createDatabase()
        let withPassword = database.replacingOccurrences(of: "://dossier@", with: "://dossier:hunter2@")
        #expect(withPassword != database, "the test server's URL names the user dossier: \(database)")
        let dir = try BinaryRunner.tempDirectory("pg-redact")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let receiver = try await TeamReceiver.start(store: withPassword, secretFile: try LocalState.secretFile(in: dir))
        #expect(await receiver.stop() == 0)
        let stderr = await receiver.stderr()
        let shown = withPassword.replacingOccurrences(of: ":hunter2@", with: ":***@")
        #expect(stderr.contains("store \(shown)") && !stderr.contains("hunter2"), "\(stderr)")
    }

    /// Four developers scan their own copy of the same repository and flush, spread over two receivers; a fifth
    /// sends one queue twice at once, to both receivers (different windows: different batching and order).
    /// Every event is stored once, every receiver serves the same `/dossiers` and baselines, and they are the
    /// SQLite receiver's for the same events.
    @Test func sendersSpreadOverTwoReceiversGetTheSameAnswersAsSQLite() async throws {
        let database = try await TeamPostgres.createDatabase()
        let dir = try BinaryRunner.tempDirectory("pg-team")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secretFile = try LocalState.secretFile(in: dir)
        let secret = try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        async let first = TeamReceiver.start(store: database, secretFile: secretFile)
        async let second = TeamReceiver.start(store: database, secretFile: secretFile)
        let receivers = try await [first, second]
        let sqlite = try await TeamReceiver.start(store: dir + "/reference.sqlite", secretFile: secretFile)

        var states: [String] = []
        for developer in 0..<5 {
            let repo = try BinaryRunner.demoCopy("pg-team-\(developer)")
            defer { try? FileManager.default.removeItem(atPath: (repo as NSString).deletingLastPathComponent) }
            let state = dir + "/dev\(developer)"
            let scan = try await BinaryRunner.run(["scan", repo, "--state-dir", state])
            #expect(scan.exitCode == 0, "\(scan.stderr)")
            states.append(state)
        }
        // The reference: every queue, in order, into the SQLite receiver (from copies: a flush consumes its queue).
        var copies: [String] = []
        for (n, state) in states.enumerated() {
            let copy = dir + "/copy\(n)"
            try FileManager.default.copyItem(atPath: state, toPath: copy)
            copies.append(copy)
        }
        let twin = dir + "/twin"
        try FileManager.default.copyItem(atPath: states[4], toPath: twin)
        let environment = ["DOSSIER_WEBHOOK_SECRET": secret]
        for copy in copies {
            let r = try await BinaryRunner.run(
                [
                    "queue", "flush", "--state-dir", copy, "--endpoint", sqlite.webhook, "--until-empty", "--window",
                    "1",
                ],
                environment: environment)
            #expect(r.exitCode == 0, "\(r.stdoutText)\(r.stderr)")
        }

        let jobs: [(state: String, endpoint: String, window: String)] =
            (0..<4).map { (states[$0], receivers[$0 % 2].webhook, "4") } + [
                (states[4], receivers[0].webhook, "1"), (twin, receivers[1].webhook, "8"),
            ]
        let outputs = try await withThrowingTaskGroup(of: (Int, BinaryRunner.Output).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    let output = try await BinaryRunner.run(
                        [
                            "queue", "flush", "--state-dir", job.state, "--endpoint", job.endpoint, "--until-empty",
                            "--window", job.window, "--json",
                        ], environment: environment)
                    return (index, output)
                }
            }
            var all: [Int: BinaryRunner.Output] = [:]
            for try await (index, output) in group { all[index] = output }
            return all
        }
        var delivered: [Int: Int] = [:]
        for (index, output) in outputs {
            #expect(output.exitCode == 0, "\(output.stdoutText)\(output.stderr)")
            let summary = try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any]
            #expect(summary?["dead"] as? Int == 0, "\(output.stdoutText)")
            delivered[index] = summary?["delivered"] as? Int
        }

        let reference = try await TeamHTTP.get(sqlite.base + "/healthz")
        let distinct = try await TeamPostgres.value(database, "SELECT COUNT(*) FROM received_events")
        #expect(reference.body.contains(#""events":\#(distinct)"#), "\(reference.body) vs \(distinct)")
        // The twin queues' events came twice (both flushes delivered all of them): received twice, stored once.
        let twinEvents = try #require(delivered[4])
        #expect(twinEvents > 0 && delivered[5] == twinEvents)
        #expect(
            try await TeamPostgres.value(database, "SELECT COUNT(*) FROM received_events WHERE receive_count = 2")
                == String(twinEvents))
        #expect(
            try await TeamPostgres.value(database, "SELECT COUNT(*) FROM received_events WHERE receive_count > 2")
                == "0")
        let expected = try await TeamHTTP.get(sqlite.base + "/dossiers")
        #expect(expected.status == 200 && expected.body.contains("feature_slug"))
        let slugs = try TeamHTTP.slugs(expected.body)
        #expect(!slugs.isEmpty)
        for r in receivers {
            #expect(try await TeamHTTP.get(r.base + "/dossiers") == expected)
            for slug in slugs {
                let want = try await TeamHTTP.get(sqlite.base + "/dossiers/\(slug)/baseline")
                #expect(try await TeamHTTP.get(r.base + "/dossiers/\(slug)/baseline") == want, "\(slug)")
            }
        }
        // `drift --remote` against either receiver: the same repository the developers scanned has no drift.
        let repo = try BinaryRunner.demoCopy("pg-team-drift")
        defer { try? FileManager.default.removeItem(atPath: (repo as NSString).deletingLastPathComponent) }
        for (n, r) in receivers.enumerated() {
            let drift = try await BinaryRunner.run(
                ["drift", repo, "--state-dir", dir + "/drift\(n)", "--remote", "--endpoint", r.webhook])
            #expect(drift.exitCode == 0, "\(drift.stdoutText)\(drift.stderr)")
            #expect(drift.stdoutText.contains("001-demo-checkout: no drift"), "\(drift.stdoutText)")
        }
        for r in receivers { #expect(await r.stop() == 0) }
        #expect(await sqlite.stop() == 0)
    }
}

/// `dossier receive` with a PostgreSQL store URL it cannot use: exit 2 with a message naming the URL, the password
/// never shown (no server needed).
@Suite struct PostgresReceiveCLITests {
    @Test(arguments: [
        ("postgres://team:hunter2@127.0.0.1/db?sslmode=bogus", [], "sslmode 'bogus'"),
        ("postgres://team:hunter2@127.0.0.1", [], "names no database"),
        ("postgres://team:hunter2@127.0.0.1:1/db", ["--pg-tls", "disable"], "cannot open the PostgreSQL store"),
        ("postgres://team:hunter2@127.0.0.1:1/db", ["--pg-tls", "sometimes"], "--pg-tls 'sometimes'"),
    ])
    func unusableStoreURLsAreExit2WithoutThePassword(url: String, extra: [String], message: String) async throws {
        let dir = try BinaryRunner.tempDirectory("pg-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let secretFile = try LocalState.secretFile(in: dir)
        for viaEnvironment in [false, true] {
            let args = ["receive", "--port", "0", "--secret-file", secretFile] + extra
            let r = try await BinaryRunner.run(
                viaEnvironment ? args : args + ["--store", url],
                environment: viaEnvironment ? ["DOSSIER_RECEIVER_DATABASE_URL": url] : [:])
            #expect(r.exitCode == 2, "\(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(!r.stderr.contains("hunter2") && !r.stdoutText.contains("hunter2"), "\(r.stderr)")
        }
    }
}

/// A PostgreSQL server stopped and started while receivers ingest: the flush sees 503s (with `Retry-After`),
/// retries, and every event is stored exactly once. The test runs its own cluster
/// (`scripts/postgres-test-server.sh` in a temp folder) so the restart disturbs no other test.
@Suite(.enabled(if: TeamPostgres.enabled, TeamPostgres.disabledReason))
struct PostgresRestartTests {
    @Test func restartingPostgresDuringAFlushLosesNothingAndStoresEachEventOnce() async throws {
        let dir = try BinaryRunner.tempDirectory("pg-restart")
        let server = TeamPostgres.OwnServer(directory: dir + "/pg")
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }
        let url = try await server.start()
        let secretFile = try LocalState.secretFile(in: dir)
        let secret = try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let receivers = [
            try await TeamReceiver.start(store: url, secretFile: secretFile, extra: ["--pg-timeout-ms", "2000"]),
            try await TeamReceiver.start(store: url, secretFile: secretFile, extra: ["--pg-timeout-ms", "2000"]),
        ]
        let count = 3000
        let states = [dir + "/a", dir + "/b"]
        for (n, state) in states.enumerated() {
            try await TeamEvents.fill(state: state, slug: "restart-\(n)", count: count)
        }
        let environment = ["DOSSIER_WEBHOOK_SECRET": secret]
        let flushes = states.enumerated().map { n, state in
            Task {
                try await BinaryRunner.run(
                    [
                        "queue", "flush", "--state-dir", state, "--endpoint", receivers[n].webhook, "--until-empty",
                        "--window", "2", "--json", "--retry-delays", "1,1,1,1,1,1,1,1,1,1,1,1",
                    ], environment: environment)
            }
        }
        // Once ingestion is under way, stop and start the server (fast shutdown: open transactions abort).
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let stored = Int(try await TeamPostgres.value(url, "SELECT COUNT(*) FROM received_events")) ?? 0
            if stored > 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await server.restart()
        var total = 0
        var retried = 0
        for flush in flushes {
            let output = try await flush.value
            #expect(output.exitCode == 0, "\(output.stdoutText)\(output.stderr)")
            let summary = try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any]
            #expect(summary?["dead"] as? Int == 0, "\(output.stdoutText)")
            total += summary?["delivered"] as? Int ?? 0
            retried += summary?["retried"] as? Int ?? 0
        }
        #expect(total == 2 * (count + 1))
        // The restart was felt: some batches were answered 503 and sent again.
        #expect(retried > 0)
        #expect(try await TeamPostgres.value(url, "SELECT COUNT(*) FROM received_events") == String(2 * (count + 1)))
        for r in receivers {
            let health = try await TeamHTTP.get(r.base + "/healthz")
            #expect(health.body.contains(#""events":\#(2 * (count + 1))"#), "\(health)")
            #expect(await r.stop() == 0)
        }
    }
}

/// The test PostgreSQL server: `DOSSIER_TEST_POSTGRES_URL` (`.ci/run` starts one with
/// `scripts/postgres-test-server.sh start`). Under `CI=true` a missing server fails these tests.
enum TeamPostgres {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["DOSSIER_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()
    static let enabled = url != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    static let disabledReason: Comment =
        "needs PostgreSQL: run scripts/postgres-test-server.sh start and set DOSSIER_TEST_POSTGRES_URL to its URL"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func serverURL() throws -> String {
        guard let url else {
            throw Failure(
                description: "CI=true but DOSSIER_TEST_POSTGRES_URL is not set (scripts/postgres-test-server.sh)")
        }
        return url
    }

    /// `url` with its database replaced by `database`.
    static func url(_ url: String, database: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards) else { return url }
        return String(url[..<slash.upperBound]) + database
    }

    /// A new empty database on the test server; its URL.
    static func createDatabase() async throws -> String {
        let server = try serverURL()
        let name = "dossier_e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        _ = try await value(server, "CREATE DATABASE \(name)")
        return url(server, database: name)
    }

    /// The first column of the first row `sql` gives on `url` (psql).
    static func value(_ url: String, _ sql: String) async throws -> String {
        let result = try await TeamProcess.run(
            "psql", [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw Failure(description: "psql \(sql): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A cluster of the test's own (`scripts/postgres-test-server.sh` with its own folder).
    final class OwnServer: Sendable {
        let directory: String
        init(directory: String) { self.directory = directory }

        /// Runs the script with posix_spawn (`tmuxSpawnAndWait`), not Foundation.Process: a server started from
        /// a test thread would inherit its blocked signals (pg_ctl stop could not stop it).
        private func script(_ command: String) -> (status: Int32, stdout: String) {
            var environment = ProcessInfo.processInfo.environment
            environment["DOSSIER_PG_DIR"] = directory
            return tmuxSpawnAndWait(
                [BinaryRunner.repositoryRoot + "/scripts/postgres-test-server.sh", command],
                environment: environment.map { "\($0.key)=\($0.value)" }, stderrToStdout: true)
        }

        private func checked(_ command: String) async throws -> String {
            let result = await blockingCall { self.script(command) }
            guard result.status == 0 else {
                throw Failure(description: "postgres-test-server.sh \(command): \(result.stdout)")
            }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func start() async throws -> String { try await checked("start") }
        func restart() async throws { _ = try await checked("restart") }
        func stop() { _ = script("stop") }
    }
}

/// Runs a program to completion off the cooperative pool.
enum TeamProcess {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ program: String, _ args: [String], environment: [String: String] = [:]) async throws -> Result {
        try await blockingCall {
            let dir = try BinaryRunner.tempDirectory("proc")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
            p.arguments = program.hasPrefix("/") ? args : [program] + args
            p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
            _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
            p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
            p.standardInput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return Result(
                status: p.terminationStatus,
                stdout: (try? String(contentsOfFile: dir + "/out", encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? "")
        }
    }
}

/// A running `dossier receive` on a loopback port.
final class TeamReceiver: Sendable {
    let process: Process
    let base: String
    /// The receiver's stderr (read it after `stop()`).
    let errors: Pipe
    var webhook: String { base + "/webhook" }

    private init(process: Process, base: String, errors: Pipe) {
        self.process = process
        self.base = base
        self.errors = errors
    }

    /// Starts `dossier receive --store <store>` and waits for its "listening on" line.
    static func start(store: String, secretFile: String, extra: [String] = []) async throws -> TeamReceiver {
        let tls = store.hasPrefix("postgres") ? ["--pg-tls", "disable"] : []
        let args = ["--secret-file", secretFile, "--store", store] + tls + extra
        let (process, base, errors) = try await blockingCall { try launchReceiver(args, keepErrors: true) }
        return TeamReceiver(process: process, base: base, errors: errors ?? Pipe())
    }

    /// SIGTERM, then the exit status.
    func stop() async -> Int32 {
        process.terminate()
        await process.exited()
        return process.terminationStatus
    }

    /// Everything the receiver wrote to stderr; after `stop()`.
    func stderr() async -> String {
        await blockingCall { String(decoding: self.errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
    }
}

/// GET over loopback (python3's urllib: an independent client).
enum TeamHTTP {
    struct Answer: Equatable, CustomStringConvertible {
        var status: Int
        var body: String
        var description: String { "HTTP \(status) \(body)" }
    }

    static func get(_ url: String) async throws -> Answer {
        let script = """
            import sys, urllib.request, urllib.error
            try:
                r = urllib.request.urlopen(sys.argv[1], timeout=30); print(r.status); sys.stdout.write(r.read().decode())
            except urllib.error.HTTPError as e:
                print(e.code); sys.stdout.write(e.read().decode())
            """
        let result = try await TeamProcess.run("python3", ["-c", script, url])
        let lines = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let status = lines.first.flatMap({ Int($0) }) else {
            throw TeamPostgres.Failure(description: "GET \(url): \(result.stdout)\(result.stderr)")
        }
        return Answer(status: status, body: lines.count > 1 ? String(lines[1]) : "")
    }

    struct Posted: CustomStringConvertible {
        var status: Int
        var retryAfter: String?
        var body: String
        var description: String { "HTTP \(status) Retry-After \(retryAfter ?? "-") \(body)" }
    }

    /// POSTs every event of a sender's queue as one Standard Webhooks-signed batch (python3: an independent
    /// client); the status, `Retry-After` and body.
    static func postQueue(_ queue: String, secretFile: String, to url: String) async throws -> Posted {
        let script = """
            import base64, hashlib, hmac, sqlite3, sys, time, urllib.request, urllib.error
            queue, secret_path, url = sys.argv[1:4]
            key = base64.b64decode(open(secret_path).read().strip().removeprefix("whsec_"))
            bodies = [r[0] for r in sqlite3.connect(queue).execute("SELECT body FROM events ORDER BY seq")]
            body = b'{"batch_id":"b_retry","events":[' + b",".join(bodies) + b"]}"
            now = str(int(time.time()))
            mac = hmac.new(key, ("b_retry." + now + ".").encode() + body, hashlib.sha256).digest()
            headers = {"webhook-id": "b_retry", "webhook-timestamp": now, "content-type": "application/json",
                       "webhook-signature": "v1," + base64.b64encode(mac).decode()}
            try:
                r = urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=120)
            except urllib.error.HTTPError as e:
                r = e
            print(r.status); print(r.headers.get("Retry-After") or "-"); sys.stdout.write(r.read().decode())
            """
        let result = try await TeamProcess.run("python3", ["-c", script, queue, secretFile, url])
        let lines = result.stdout.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count >= 2, let status = Int(lines[0]) else {
            throw TeamPostgres.Failure(description: "POST \(url): \(result.stdout)\(result.stderr)")
        }
        return Posted(
            status: status, retryAfter: lines[1] == "-" ? nil : String(lines[1]),
            body: lines.count > 2 ? String(lines[2]) : "")
    }

    static func slugs(_ dossiers: String) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(dossiers.utf8)) as? [String: Any]
        let list = object?["dossiers"] as? [[String: Any]] ?? []
        return list.compactMap { $0["feature_slug"] as? String }
    }
}

/// Synthetic scans written straight into a sender's queue (the real `EventEmitter`, so parity hashes verify).
enum TeamEvents {
    static func fill(state: String, slug: String, count: Int) async throws {
        try await blockingCall {
            let artifacts = (0..<count).map { i in
                Artifact(
                    key: "artifact.\(i)", artifactClass: .output, relativePath: "docs/\(i).md",
                    contentHashSHA256: StreamingHasher.sha256Hex(Array("\(slug) \(i)".utf8)), sizeBytes: 10,
                    requiredStatus: .optional, present: true)
            }
            let dossier = Dossier(
                featureSlug: slug, featureDirectory: "/fixture/\(slug)", missionType: "software-dev",
                currentStep: "implement", stepSource: .flag, artifacts: artifacts, anomalies: [])
            var logger = Logger(label: "fixture")
            logger.logLevel = .critical
            let emitter = EventEmitter(clock: { Date() }, actor: "fixture", logger: logger)
            let events = emitter.events(for: dossier, snapshot: SnapshotBuilder.snapshot(of: dossier), drift: nil)
                .events
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            let queue = try EventQueue(path: state + "/queue.sqlite", capacity: 1_000_000)
            _ = try queue.append(events)
        }
    }
}
