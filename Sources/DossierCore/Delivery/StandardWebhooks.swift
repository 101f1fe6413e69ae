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

/// Why a received webhook failed verification.
public enum WebhookVerificationError: Error, Equatable, CustomStringConvertible {
    case missingHeader(String)
    case invalidTimestamp(String)
    case timestampOutOfTolerance(timestamp: Int64, now: Int64, toleranceSeconds: Int64)
    case noValidSignature

    public var description: String {
        switch self {
        case .missingHeader(let name): "missing header '\(name)'"
        case .invalidTimestamp(let value): "header 'webhook-timestamp': '\(value)' is not Unix seconds"
        case .timestampOutOfTolerance(let ts, let now, let tol):
            "header 'webhook-timestamp': \(ts) is \(abs(now - ts)) s away from now (\(now)); tolerance is \(tol) s"
        case .noValidSignature: "header 'webhook-signature': no v1 signature matches the body"
        }
    }
}

/// Standard Webhooks v1 signing and verification (HMAC-SHA256 over `"id.timestamp.body"`). Pure:
/// the clock is a parameter.
public enum StandardWebhooks {
    /// Default timestamp tolerance: five minutes either way.
    public static let defaultToleranceSeconds: Int64 = 300

    /// The base64 HMAC-SHA256 of `"<id>.<timestamp>.<body>"` (without the `v1,` prefix).
    public static func signatureBase64(id: String, timestamp: Int64, body: Data, secret: WebhookSecret) -> String {
        var mac = HMAC<SHA256>(key: secret.key)
        mac.update(data: Data("\(id).\(timestamp).".utf8))
        mac.update(data: body)
        return Data(mac.finalize()).base64EncodedString()
    }

    /// Signs one attempt: the headers to send with `body`.
    public static func sign(id: String, timestamp: Int64, body: Data, secret: WebhookSecret) -> WebhookHeaders {
        WebhookHeaders(
            id: id, timestamp: timestamp,
            signature: "v1," + signatureBase64(id: id, timestamp: timestamp, body: body, secret: secret))
    }

    /// Verifies headers against a body. `webhook-signature` may carry several space-separated
    /// `v1,<base64>` entries (key rotation); one valid entry suffices. The comparison is constant-time.
    public static func verify(
        id: String?, timestamp: String?, signature: String?, body: Data, secret: WebhookSecret,
        now: Int64, toleranceSeconds: Int64 = defaultToleranceSeconds
    ) throws(WebhookVerificationError) {
        guard let id, !id.isEmpty else { throw .missingHeader(WebhookHeaders.idName) }
        guard let timestamp, !timestamp.isEmpty else { throw .missingHeader(WebhookHeaders.timestampName) }
        guard let signature, !signature.isEmpty else { throw .missingHeader(WebhookHeaders.signatureName) }
        let trimmed = timestamp.trimmingCharacters(in: .whitespaces)
        guard trimmed.allSatisfy(\.isASCII), let ts = Int64(trimmed) else { throw .invalidTimestamp(timestamp) }
        guard abs(now - ts) <= toleranceSeconds else {
            throw .timestampOutOfTolerance(timestamp: ts, now: now, toleranceSeconds: toleranceSeconds)
        }
        var message = Data("\(id).\(ts).".utf8)
        message.append(body)
        for entry in signature.split(separator: " ", omittingEmptySubsequences: true) {
            guard let comma = entry.firstIndex(of: ","), entry[..<comma] == "v1" else { continue }
            guard let mac = Data(base64Encoded: String(entry[entry.index(after: comma)...])) else { continue }
            if HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: secret.key) { return }
        }
        throw .noValidSignature
    }
}
