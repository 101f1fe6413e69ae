import Crypto
import Foundation

/// A Standard Webhooks signing secret (`whsec_<base64>`). Its `description` never reveals the key,
/// so it is safe to interpolate into logs and error messages.
public struct WebhookSecret: Sendable, CustomStringConvertible {
    let keyBytes: Data
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Parses `whsec_<base64>` (the prefix is optional, as in the reference implementations).
    public init(_ text: String) throws(WebhookSecretError) {
        var body = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        if body.hasPrefix("whsec_") { body = body.dropFirst(6) }
        guard !body.isEmpty else { throw .empty }
        guard let bytes = Data(base64Encoded: String(body)), !bytes.isEmpty else { throw .notBase64 }
        self.keyBytes = bytes
    }

    /// A secret from raw key bytes (tests, `generate`).
    public init(keyBytes: Data) { self.keyBytes = keyBytes }

    /// A fresh random 24-byte secret.
    public static func generate() -> WebhookSecret {
        WebhookSecret(keyBytes: SymmetricKey(size: .init(bitCount: 192)).withUnsafeBytes { Data($0) })
    }

    /// The `whsec_<base64>` text form (for writing a secret file; never log it).
    public var encoded: String { "whsec_" + keyBytes.base64EncodedString() }

    public var description: String { "whsec_<redacted>" }
}

/// Why a webhook secret could not be parsed. Never contains the secret itself.
public enum WebhookSecretError: Error, Equatable, CustomStringConvertible {
    case empty
    case notBase64

    public var description: String {
        switch self {
        case .empty: "webhook secret is empty (expected whsec_<base64>)"
        case .notBase64: "webhook secret is not valid base64 after the whsec_ prefix (expected whsec_<base64>)"
        }
    }
}

/// The three Standard Webhooks v1 headers of one delivery attempt.
public struct WebhookHeaders: Sendable, Equatable {
    public var id: String
    public var timestamp: Int64
    public var signature: String

    public init(id: String, timestamp: Int64, signature: String) {
        self.id = id
        self.timestamp = timestamp
        self.signature = signature
    }

    /// Header names, lowercase, as Standard Webhooks specifies.
    public static let idName = "webhook-id"
    public static let timestampName = "webhook-timestamp"
    public static let signatureName = "webhook-signature"
}

/// Why a received webhook failed verification. Header values it quotes are cut short and have control
/// characters escaped, so a hostile header cannot flood or forge the message.
public enum WebhookVerificationError: Error, Equatable, CustomStringConvertible {
    case missingHeader(String)
    case invalidTimestamp(String)
    case timestampOutOfTolerance(timestamp: Int64, now: Int64, toleranceSeconds: Int64)
    case headerTooLong(name: String, bytes: Int, limit: Int)
    case tooManySignatures(count: Int, limit: Int)
    case noValidSignature

    public var description: String {
        switch self {
        case .missingHeader(let name): "missing header '\(name)'"
        case .invalidTimestamp(let value):
            "header 'webhook-timestamp': '\(TerminalText.escape(value, limit: 64))' is not Unix seconds "
                + "(expected 1 to 19 ASCII digits)"
        case .timestampOutOfTolerance(let ts, let now, let tol):
            "header 'webhook-timestamp': \(ts) is \(StandardWebhooks.distance(ts, now)) s away from now (\(now)); "
                + "tolerance is \(tol) s"
        case .headerTooLong(let name, let bytes, let limit):
            "header '\(name)' is \(bytes) bytes long (at most \(limit))"
        case .tooManySignatures(let count, let limit):
            "header 'webhook-signature': \(count) entries (at most \(limit))"
        case .noValidSignature: "header 'webhook-signature': no v1 signature matches the body"
        }
    }
}

/// Standard Webhooks v1 signing and verification (HMAC-SHA256 over `"id.timestamp.body"`). Pure:
/// the clock is a parameter. Verification parses every header with bounded, checked arithmetic: it never traps,
/// and computes one HMAC per request whatever the `webhook-signature` header holds.
public enum StandardWebhooks {
    /// Default timestamp tolerance: five minutes either way.
    public static let defaultToleranceSeconds: Int64 = 300
    /// Longest accepted `webhook-id`, in bytes.
    public static let maxIDBytes = 1024
    /// Longest accepted `webhook-signature`, in bytes, and most space-separated entries in it.
    public static let maxSignatureBytes = 4096
    public static let maxSignatureEntries = 32

    /// The base64 HMAC-SHA256 of `"<id>.<timestamp>.<body>"` (without the `v1,` prefix).
    public static func signatureBase64(id: String, timestamp: Int64, body: Data, secret: WebhookSecret) -> String {
        Data(mac(id: id, timestamp: String(timestamp), body: body, secret: secret)).base64EncodedString()
    }

    static func mac(id: String, timestamp: String, body: Data, secret: WebhookSecret) -> HMAC<SHA256>.MAC {
        var mac = HMAC<SHA256>(key: secret.key)
        mac.update(data: Data("\(id).\(timestamp).".utf8))
        mac.update(data: body)
        return mac.finalize()
    }

    /// Signs one attempt: the headers to send with `body`.
    public static func sign(id: String, timestamp: Int64, body: Data, secret: WebhookSecret) -> WebhookHeaders {
        sign(id: id, timestamp: timestamp, body: body, secrets: [secret])
    }

    /// Signs one attempt with each secret, in order: `webhook-signature` is `v1,<sig1> v1,<sig2> …`, as Standard
    /// Webhooks allows during a key rotation (a receiver that knows either key accepts the request).
    public static func sign(id: String, timestamp: Int64, body: Data, secrets: [WebhookSecret]) -> WebhookHeaders {
        WebhookHeaders(
            id: id, timestamp: timestamp,
            signature: secrets.map { "v1," + signatureBase64(id: id, timestamp: timestamp, body: body, secret: $0) }
                .joined(separator: " "))
    }

    /// Parses a `webhook-timestamp` value: 1 to 19 ASCII digits (surrounding spaces and tabs ignored) that fit
    /// in an `Int64`; nil otherwise (signs, unicode digits, overflow, empty).
    public static func parseTimestamp(_ value: String) -> Int64? {
        let trimmed = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        let digits = trimmed.utf8
        guard (1...19).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(trimmed)
    }

    /// |a - b| without overflow (the difference of two `Int64`s always fits in a `UInt64`).
    public static func distance(_ a: Int64, _ b: Int64) -> UInt64 {
        a >= b ? UInt64(bitPattern: a &- b) : UInt64(bitPattern: b &- a)
    }

    /// Verifies headers against a body. `webhook-signature` may carry several space-separated
    /// `v1,<base64>` entries (key rotation); one valid entry suffices. The comparison is constant-time.
    public static func verify(
        id: String?, timestamp: String?, signature: String?, body: Data, secret: WebhookSecret,
        now: Int64, toleranceSeconds: Int64 = defaultToleranceSeconds
    ) throws(WebhookVerificationError) {
        try verify(
            id: id, timestamp: timestamp, signature: signature, body: body, secrets: [secret], now: now,
            toleranceSeconds: toleranceSeconds)
    }

    /// Verifies headers against a body for a receiver that accepts several secrets (key rotation on the
    /// receiving side): the request is genuine when any `v1` entry matches the HMAC under any of `secrets`.
    /// One HMAC per secret, whatever the header holds; every comparison runs (constant-time, no early exit).
    public static func verify(
        id: String?, timestamp: String?, signature: String?, body: Data, secrets: [WebhookSecret],
        now: Int64, toleranceSeconds: Int64 = defaultToleranceSeconds
    ) throws(WebhookVerificationError) {
        guard let id, !id.isEmpty else { throw .missingHeader(WebhookHeaders.idName) }
        guard let timestamp, !timestamp.isEmpty else { throw .missingHeader(WebhookHeaders.timestampName) }
        guard let signature, !signature.isEmpty else { throw .missingHeader(WebhookHeaders.signatureName) }
        guard id.utf8.count <= maxIDBytes else {
            throw .headerTooLong(name: WebhookHeaders.idName, bytes: id.utf8.count, limit: maxIDBytes)
        }
        guard signature.utf8.count <= maxSignatureBytes else {
            throw .headerTooLong(
                name: WebhookHeaders.signatureName, bytes: signature.utf8.count, limit: maxSignatureBytes)
        }
        guard let ts = parseTimestamp(timestamp) else { throw .invalidTimestamp(timestamp) }
        guard distance(now, ts) <= UInt64(max(0, toleranceSeconds)) else {
            throw .timestampOutOfTolerance(timestamp: ts, now: now, toleranceSeconds: toleranceSeconds)
        }
        let entries = signature.split(separator: " ", omittingEmptySubsequences: true)
        guard entries.count <= maxSignatureEntries else {
            throw .tooManySignatures(count: entries.count, limit: maxSignatureEntries)
        }
        // The signed content uses the timestamp as sent (digits only, so leading zeros are kept as they came).
        let signedTimestamp = timestamp.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        let expected = secrets.map { mac(id: id, timestamp: signedTimestamp, body: body, secret: $0) }
        var matched = false
        for entry in entries {
            guard entry.hasPrefix("v1,") else { continue }
            // A SHA-256 MAC is 44 base64 characters; anything much longer cannot match.
            let encoded = entry.dropFirst(3)
            guard encoded.utf8.count <= 128, let candidate = Data(base64Encoded: String(encoded)) else { continue }
            // Constant-time comparison (swift-crypto's MAC == DataProtocol); keep looking to not leak which one.
            for mac in expected where mac == candidate { matched = true }
        }
        if !matched { throw .noValidSignature }
    }
}
