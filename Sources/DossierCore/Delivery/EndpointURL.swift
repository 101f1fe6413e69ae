import Foundation

/// Why a webhook or receiver URL was refused. Its text shows the URL with any `user:password@` redacted,
/// control characters escaped and long values cut, so it is safe to print.
public struct EndpointURLError: Error, Equatable, CustomStringConvertible {
    /// The URL as it may be shown (see `EndpointURL.redact`).
    public var shownURL: String
    /// What is wrong, e.g. `port 99999 is out of range (expected 1–65535)`.
    public var reason: String

    public var description: String { "'\(shownURL)': \(reason)" }
}

/// An http(s) URL checked before any request is made: absolute, scheme `http` or `https`, a host, a port
/// 1–65535 when one is given, no fragment, printable ASCII only, at most `maxLength` bytes. Userinfo
/// (`user:password@`) is allowed, sent as HTTP Basic credentials, and never shown: `redacted` and every error
/// message replace it with `***`. What is checked is what the HTTP client connects to: the same text must
/// also parse with Foundation's `URL` to the same scheme, host and port.
public struct EndpointURL: Sendable, Equatable, CustomStringConvertible {
    /// Longest accepted URL, in bytes.
    public static let maxLength = 2048

    /// `http` or `https`, lowercased.
    public let scheme: String
    /// The host as written (IPv6 literals keep their brackets).
    public let host: String
    /// The explicit port, nil when the scheme's default applies.
    public let port: Int?
    /// The percent-encoded path as written (may be empty).
    public let path: String
    /// The query after `?`, if any.
    public let query: String?
    /// Percent-decoded userinfo, if the URL had one.
    let user: String?
    let password: String?

    /// The URL the HTTP client is given: no userinfo.
    public var requestURL: String { origin + path + (query.map { "?" + $0 } ?? "") }

    /// `scheme://host[:port]`.
    public var origin: String { scheme + "://" + host + (port.map { ":\($0)" } ?? "") }

    /// The URL as shown in output, logs and the database.
    public var redacted: String {
        scheme + "://" + (user == nil ? "" : "***@") + host + (port.map { ":\($0)" } ?? "") + path
            + (query.map { "?" + $0 } ?? "")
    }

    public var description: String { redacted }

    /// The `Authorization` header value for userinfo in the URL (`Basic base64(user:password)`), or nil.
    public var basicAuthorization: String? {
        guard let user else { return nil }
        return "Basic " + Data("\(user):\(password ?? "")".utf8).base64EncodedString()
    }

    /// The same origin with another path (percent-encoded by the caller) and no query; userinfo is kept.
    public func replacingPath(_ newPath: String) -> EndpointURL {
        EndpointURL(
            scheme: scheme, host: host, port: port, path: newPath, query: nil, user: user, password: password)
    }

    private init(
        scheme: String, host: String, port: Int?, path: String, query: String?, user: String?, password: String?
    ) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.user = user
        self.password = password
    }

    /// Checks `text`; never traps, whatever the input.
    public init(validating text: String) throws(EndpointURLError) {
        func fail(_ reason: String) -> EndpointURLError {
            EndpointURLError(shownURL: Self.redact(text), reason: reason)
        }
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw fail("the URL is empty") }
        guard bytes.count <= Self.maxLength else {
            throw fail("the URL is \(bytes.count) bytes long (at most \(Self.maxLength))")
        }
        if let bad = bytes.first(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            throw fail(
                bad >= 0x80
                    ? "contains a non-ASCII character (percent-encode it)"
                    : "contains a space or control character (byte 0x\(String(bad, radix: 16, uppercase: true)))")
        }
        guard let separator = text.range(of: "://") else {
            throw fail("not an absolute http(s) URL (expected http://host[:port]/path)")
        }
        let rawScheme = String(text[..<separator.lowerBound])
        let scheme = rawScheme.lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw fail(
                rawScheme.isEmpty
                    ? "has no scheme (expected http or https)" : "scheme '\(rawScheme)' is not http or https")
        }
        let rest = text[separator.upperBound...]
        if rest.contains("#") { throw fail("has a fragment ('#…'), which is never sent; remove it") }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let afterAuthority = rest[authorityEnd...]
        var user: String?
        var password: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let colon = userinfo.firstIndex(of: ":")
            let rawUser = colon.map { userinfo[..<$0] } ?? userinfo
            let rawPassword = colon.map { userinfo[userinfo.index(after: $0)...] }
            guard let decodedUser = String(rawUser).removingPercentEncoding,
                let decodedPassword = rawPassword.map({ String($0).removingPercentEncoding }) ?? .some(nil)
            else { throw fail("the credentials before '@' are not valid percent-encoded UTF-8") }
            guard !decodedUser.isEmpty else { throw fail("has credentials with an empty user name before '@'") }
            user = decodedUser
            password = decodedPassword
        }
        var host = hostPort
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw fail("an IPv6 host is missing its ']'") }
            host = hostPort[...close]
            let tail = hostPort[hostPort.index(after: close)...]
            if !tail.isEmpty {
                guard tail.hasPrefix(":") else { throw fail("unexpected text after the IPv6 host") }
                portText = tail.dropFirst()
            }
        } else if let colon = hostPort.firstIndex(of: ":") {
            host = hostPort[..<colon]
            portText = hostPort[hostPort.index(after: colon)...]
        }
        guard !host.isEmpty, host != "[]" else { throw fail("has no host (expected http://host[:port]/path)") }
        let hostAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~[]:")
        guard host.allSatisfy({ hostAllowed.contains($0) }) else {
            throw fail("host '\(host.prefix(100))' has characters a host name cannot have")
        }
        var port: Int?
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(portText), (1...65535).contains(value)
            else {
                throw fail("port '\(portText.prefix(40))' is out of range (expected 1–65535)")
            }
            port = value
        }
        var path = afterAuthority
        var query: Substring?
        if let q = afterAuthority.firstIndex(of: "?") {
            path = afterAuthority[..<q]
            query = afterAuthority[afterAuthority.index(after: q)...]
        }
        let candidate = EndpointURL(
            scheme: scheme, host: String(host), port: port, path: String(path), query: query.map(String.init),
            user: user, password: password)
        // What the HTTP client will parse must agree with what was checked.
        guard let parsed = URL(string: candidate.requestURL), parsed.scheme?.lowercased() == scheme,
            let parsedHost = parsed.host,
            parsedHost.lowercased() == host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
            parsed.port == port
        else { throw fail("cannot be parsed unambiguously (check the host, port and path)") }
        self = candidate
    }

    /// `url` with any userinfo replaced by `***`, control characters escaped and cut to 300 characters. Works on
    /// any text, also one that is not a URL at all: everything between `scheme://` (or the start) and the last `@`
    /// is treated as credentials, so a password is never shown even when the URL does not parse.
    public static func redact(_ url: String) -> String {
        var text = url
        if let at = text.range(of: "@", options: .backwards) {
            let start: String.Index
            if let separator = text.range(of: "://"), separator.upperBound <= at.lowerBound {
                start = separator.upperBound
            } else if let colon = text.firstIndex(of: ":"), colon < at.lowerBound,
                text[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
                !text[..<colon].isEmpty
            {
                // `scheme:user:password@host` (no `//`): keep `scheme:`.
                start = text.index(after: colon)
            } else {
                start = text.startIndex
            }
            text.replaceSubrange(start..<at.lowerBound, with: "***")
        }
        return TerminalText.escape(text, limit: 300)
    }
}
