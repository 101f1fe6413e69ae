import DossierCore
import Foundation

/// How the PostgreSQL store connects: parsed from `postgres://user[:password]@host[:port]/database[?sslmode=…]`
/// (`postgresql://` too), the TLS mode and CA file, and the limits that turn an unreachable or saturated database
/// into a quick `503` instead of a hang. Pure: parsing never touches the network.
public struct PostgresStoreSettings: Sendable, Equatable {
    /// TLS towards the server, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode = .prefer
    /// PEM file of the certificate authorities to trust (else the system's).
    public var caFile: String?
    /// Most connections one receiver opens.
    public var maxConnections: Int = 8
    /// Longest wait for one store operation (a free connection included) before the answer is "unavailable".
    public var operationTimeout: Duration = .seconds(5)
    /// Longest wait for connecting and migrating at start-up (at least `operationTimeout`).
    public var openTimeout: Duration = .seconds(10)
    /// `Retry-After` seconds sent with a 503 when the database is unavailable.
    public var retryAfterSeconds: Int = 1
    /// The URL as it may be shown: the password replaced by `***`, the user kept (see `redact`).
    public var redacted: String

    /// Parses `url`; every error shows the URL redacted.
    public init(url: String) throws(PostgresStoreURLError) {
        let shown = Self.redact(url)
        func fail(_ reason: String) -> PostgresStoreURLError { PostgresStoreURLError(shownURL: shown, reason: reason) }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw fail("is not a URL (expected postgres://user@host:port/database)")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw fail("scheme '\(TerminalText.escape(scheme, limit: 40))' is not postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw fail("names no host") }
        guard let user = components.user?.removingPercentEncoding, !user.isEmpty else {
            throw fail("names no user (postgres://user@host/database)")
        }
        let database = String(components.percentEncodedPath.drop { $0 == "/" }).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else {
            throw fail("names no database (postgres://user@host:port/database)")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw fail("port \(port) is not 1…65535") }
        self.host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
        self.username = user
        self.password = components.password?.removingPercentEncoding
        self.database = database
        self.redacted = shown
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw fail(
                        "sslmode '\(TerminalText.escape(item.value ?? "", limit: 40))': expected "
                            + TLSMode.allCases.map(\.rawValue).joined(separator: ", "))
                }
                tls = mode
            case "sslrootcert":
                guard let value = item.value, !value.isEmpty else { throw fail("sslrootcert is empty") }
                caFile = value
            default:
                throw fail(
                    "query parameter '\(TerminalText.escape(item.name, limit: 40))' is not supported "
                        + "(sslmode, sslrootcert)")
            }
        }
    }

    /// `url` with its password (if any) replaced by `***` and the user name kept, `postgres://dossier:***@host/db`,
    /// control characters escaped and cut to 300 characters. Works on any text, also one that does not parse: from
    /// the first `:` after `scheme://` up to the text's last `@` is hidden, so a password holding `@` or `/` never
    /// shows (an `@` in the query hides more than the password); text without `scheme://` as `EndpointURL.redact`.
    public static func redact(_ url: String) -> String {
        guard let separator = url.range(of: "://") else { return EndpointURL.redact(url) }
        var text = url
        if let at = url.range(of: "@", options: .backwards)?.lowerBound, separator.upperBound <= at,
            let colon = url[separator.upperBound..<at].firstIndex(of: ":")
        {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
        return TerminalText.escape(text, limit: 300)
    }

    /// True when `text` names a PostgreSQL store rather than a SQLite file path.
    public static func isPostgresURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }
}

/// A PostgreSQL store URL that was refused; the URL is shown with its password redacted.
public struct PostgresStoreURLError: Error, CustomStringConvertible, Equatable {
    public var shownURL: String
    public var reason: String
    public var description: String { "store URL \(shownURL): \(reason)" }
}
