import DossierCore
import Foundation
import Logging
import NIOPosix
import PostgresNIO
import Testing

@testable import DossierReceiver

/// The PostgreSQL server the tests use: `DOSSIER_TEST_POSTGRES_URL` (CI starts one with
/// `scripts/postgres-test-server.sh start`; do the same by hand). Under `CI=true` a missing server fails the
/// PostgreSQL tests; elsewhere they are disabled, saying why.
enum TestPostgres {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["DOSSIER_TEST_POSTGRES_URL"] ?? ""
        return value.isEmpty ? nil : value
    }()

    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether the PostgreSQL tests run: a server is configured, or CI demands one (then they fail without it).
    static let enabled = url != nil || isCI

    static let disabledReason: Comment =
        "needs PostgreSQL: run scripts/postgres-test-server.sh start and set DOSSIER_TEST_POSTGRES_URL to its URL"

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "CI=true but DOSSIER_TEST_POSTGRES_URL is not set (.ci/run starts scripts/postgres-test-server.sh)"
        }
    }

    static func serverSettings() throws -> PostgresStoreSettings {
        guard let url else { throw Missing() }
        var settings = try PostgresStoreSettings(url: url)
        settings.tls = .disable
        return settings
    }

    /// Creates an empty database of its own for one test; returns its settings (same server).
    static func freshDatabase() async throws -> PostgresStoreSettings {
        var settings = try serverSettings()
        let name = "dossier_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await admin(settings) { connection, logger in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        settings.database = name
        // Generous: the whole test process shares two cores (a fault test sets its own short timeout).
        settings.operationTimeout = .seconds(60)
        settings.redacted = "postgres://\(settings.username)@\(settings.host):\(settings.port)/\(name)"
        return settings
    }

    /// Runs `body` on a plain connection to `settings`' server (its configured database).
    static func admin(
        _ settings: PostgresStoreSettings, _ body: (PostgresConnection, Logger) async throws -> Void
    ) async throws {
        let logger = Logger(label: "dossier.tests.postgres")
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(),
            configuration: PostgresConnection.Configuration(
                host: settings.host, port: settings.port, username: settings.username, password: settings.password,
                database: settings.database, tls: .disable),
            id: 1, logger: logger
        ).get()
        do {
            try await body(connection, logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Which `ReceiverStore` a parameterized test runs against.
enum StoreKind: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres
    var testDescription: String { rawValue }

    /// Both stores when PostgreSQL is configured or CI demands it (then a missing server fails the test), else
    /// SQLite only (see `TestPostgres`).
    static let testable: [StoreKind] = TestPostgres.enabled ? [.sqlite, .postgres] : [.sqlite]
}
