import ArgumentParser
import DossierCore
import DossierReceiver
import Foundation

/// `dossier receive`: the reference webhook receiver on loopback.
struct ReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Run the reference webhook receiver on loopback until SIGINT/SIGTERM.",
        discussion: """
            Endpoints: POST /webhook (Standard Webhooks v1 signed batches; answers {"results":[…]}),
            GET /dossiers, GET /dossiers/<feature_slug>/baseline, GET /healthz.
            The first stdout line is "listening on http://HOST:PORT" (with --port 0 a free port is chosen).
            The secret comes from --secret, --secret-file (mode 0600), or DOSSIER_WEBHOOK_SECRET; it is never printed.
            Key rotation: repeat --secret-file, or put one secret per line in a file; a request signed with any
            of them is accepted.
            Team receiver: --store postgres://user@host:port/database (or DOSSIER_RECEIVER_DATABASE_URL); several
            receivers may share one database. The URL's password is never printed. An unreachable database is
            answered 503 with Retry-After (senders retry).
            Fault flags make failures reproducible (same --seed, same faults).
            """)

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "Port (0 picks a free one).") var port: Int = 8787
    @Option(name: .long, help: "Address to bind (loopback by default).") var host: String = "127.0.0.1"
    @Option(name: .long, help: "The whsec_ secret (prefer --secret-file: arguments are visible to other users).")
    var secret: String?
    @Option(
        name: .long,
        help: "File holding whsec_ secrets, one per line (mode 0600); repeat for more (key rotation).")
    var secretFile: [String] = []
    @Option(
        name: .long,
        help: """
            Receiver database: a SQLite file (default: <state dir>/receiver.sqlite) or \
            postgres://user@host:port/database (or DOSSIER_RECEIVER_DATABASE_URL) for a team receiver.
            """)
    var store: String?
    @Option(name: .long, help: "PostgreSQL TLS: disable, prefer or require (default: the URL's sslmode, else prefer).")
    var pgTls: String?
    @Option(name: .long, help: "PostgreSQL: PEM file of the certificate authorities to trust.") var pgCaFile: String?
    @Option(name: .long, help: "PostgreSQL: most connections this receiver opens.") var pgMaxConnections: Int = 8
    @Option(name: .long, help: "PostgreSQL: longest wait for the database before answering 503, in milliseconds.")
    var pgTimeoutMs: Int = 5000
    @Option(name: .long, help: "Largest accepted request body in bytes (bigger gets 413).") var maxBodyBytes: Int =
        1 << 20
    @Option(name: .long, help: "Answer this fraction of requests with 500 (0…1).") var failRate: Double = 0
    @Option(name: .long, help: "Answer the first requests with these statuses, e.g. 500,429,503.") var statusSequence:
        String?
    @Option(name: .long, help: "Retry-After seconds sent with injected 429/503.") var retryAfter: Int?
    @Option(name: .long, help: "Delay every webhook answer by this many milliseconds.") var latencyMs: Int = 0
    @Option(name: .long, help: "Reject events of this event_type.") var rejectEventType: String?
    @Flag(name: .long, help: "With --reject-event-type: refuse the whole batch with 422 and no per-event results.")
    var rejectWholeBatch = false
    @Option(name: .long, help: "Close this fraction of connections without answering (0…1).") var dropConnectionRate:
        Double = 0
    @Option(name: .long, help: "Seed of the fault generator.") var seed: UInt64 = 1
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Answer the first N webhooks, then hold every later one unanswered (tests of a flush mid-course).",
            visibility: .hidden))
    var holdAfter: Int?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port): expected 0…65535") }
        guard (0...1).contains(failRate) else { throw ValidationError("--fail-rate \(failRate): expected 0…1") }
        guard (0...1).contains(dropConnectionRate) else {
            throw ValidationError("--drop-connection-rate \(dropConnectionRate): expected 0…1")
        }
        guard (0...3_600_000).contains(latencyMs) else {
            throw ValidationError("--latency-ms \(latencyMs): expected 0…3600000")
        }
        if let holdAfter, holdAfter < 0 { throw ValidationError("--hold-after \(holdAfter): expected 0 or more") }
        guard (1...(1 << 30)).contains(maxBodyBytes) else {
            throw ValidationError("--max-body-bytes \(maxBodyBytes): expected 1…1073741824")
        }
        if let retryAfter, !(0...86_400).contains(retryAfter) {
            throw ValidationError("--retry-after \(retryAfter): expected 0…86400")
        }
        if let statusSequence, Self.statuses(statusSequence) == nil {
            throw ValidationError(
                "--status-sequence '\(statusSequence)': expected comma-separated HTTP statuses 100…599")
        }
        if let rejectEventType, EventType(rawValue: rejectEventType) == nil {
            throw ValidationError(
                "--reject-event-type '\(rejectEventType)': expected one of "
                    + EventType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if secret != nil && !secretFile.isEmpty {
            throw ValidationError("give --secret or --secret-file, not both")
        }
        if let pgTls, PostgresStoreSettings.TLSMode(rawValue: pgTls) == nil {
            throw ValidationError("--pg-tls '\(pgTls)': expected disable, prefer or require")
        }
        guard (1...1000).contains(pgMaxConnections) else {
            throw ValidationError("--pg-max-connections \(pgMaxConnections): expected 1…1000")
        }
        guard (100...600_000).contains(pgTimeoutMs) else {
            throw ValidationError("--pg-timeout-ms \(pgTimeoutMs): expected 100…600000")
        }
    }

    /// The PostgreSQL settings when the store is a postgres:// URL (from --store or DOSSIER_RECEIVER_DATABASE_URL).
    func postgresSettings(environment: [String: String]) throws -> PostgresStoreSettings? {
        let url: String
        if let store {
            guard PostgresStoreSettings.isPostgresURL(store) else { return nil }
            url = store
        } else if let fromEnvironment = environment["DOSSIER_RECEIVER_DATABASE_URL"], !fromEnvironment.isEmpty {
            url = fromEnvironment
        } else {
            return nil
        }
        var settings: PostgresStoreSettings
        do { settings = try PostgresStoreSettings(url: url) } catch {
            throw QueueSupport.fail("\(store == nil ? "DOSSIER_RECEIVER_DATABASE_URL: " : "--store: ")\(error)")
        }
        if let pgTls, let mode = PostgresStoreSettings.TLSMode(rawValue: pgTls) { settings.tls = mode }
        if let pgCaFile { settings.caFile = pgCaFile }
        settings.maxConnections = pgMaxConnections
        settings.operationTimeout = .milliseconds(pgTimeoutMs)
        return settings
    }

    static func statuses(_ text: String) -> [Int]? {
        let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0.map { (100...599).contains($0) } ?? false }) else { return nil }
        return parts.compactMap { $0 }
    }

    func run() async throws {
        let secrets: [WebhookSecret]
        do {
            if let secret {
                do { secrets = [try WebhookSecret(secret)] } catch {
                    throw DeliverySettingsError.invalidSecret(source: "--secret", reason: error.description)
                }
            } else if !secretFile.isEmpty {
                secrets = try ReceiverSecrets.read(files: secretFile)
            } else {
                secrets = [
                    try DeliverySettings.secret(
                        secretFile: nil, environment: ProcessInfo.processInfo.environment, config: [:])
                ]
            }
        } catch let error as DeliverySettingsError {
            throw QueueSupport.fail(error.description)
        }
        let postgres = try postgresSettings(environment: ProcessInfo.processInfo.environment)
        let storePath =
            postgres?.redacted ?? store
            ?? (QueueSupport.stateDirectory(state) as NSString).appendingPathComponent("receiver.sqlite")
        var faults = FaultConfiguration(
            failRate: failRate, statusSequence: statusSequence.flatMap(Self.statuses) ?? [], retryAfter: retryAfter,
            latencyMs: latencyMs, rejectEventType: rejectEventType, dropConnectionRate: dropConnectionRate, seed: seed)
        faults.rejectWholeBatch = rejectWholeBatch
        faults.holdAfter = holdAfter
        var configuration = ReceiverConfiguration(
            secrets: secrets, storePath: storePath, port: port, faults: faults)
        configuration.host = host
        configuration.maxBodyBytes = maxBodyBytes
        let receiver: WebhookReceiver
        var postgresStore: PostgresReceiverStore?
        if let postgres {
            do {
                let opened = try await PostgresReceiverStore.open(postgres)
                postgresStore = opened
                receiver = WebhookReceiver(configuration: configuration, store: opened)
            } catch {
                throw QueueSupport.fail("\(error)")
            }
        } else {
            do {
                receiver = try await WebhookReceiver.open(configuration: configuration)
            } catch {
                throw QueueSupport.fail("cannot open the receiver store \(storePath): \(error)")
            }
        }
        defer { postgresStore?.shutdown() }
        let host = self.host
        do {
            try await receiver.run { bound in
                QueueSupport.writeOut(Data("listening on http://\(host):\(bound)\n".utf8))
                QueueSupport.printErr(
                    "POST /webhook · GET /dossiers · GET /dossiers/<slug>/baseline · store \(storePath)")
            }
        } catch {
            throw QueueSupport.fail("receiver on \(host):\(port) failed: \(error)")
        }
    }
}
