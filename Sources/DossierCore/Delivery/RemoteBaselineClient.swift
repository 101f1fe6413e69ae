import AsyncHTTPClient
import Foundation

/// Why the receiver's baseline could not be fetched.
public enum RemoteBaselineError: Error, Equatable, CustomStringConvertible {
    case invalidURL(EndpointURLError)
    case unreachable(url: String, reason: String)
    case notFound(url: String, featureSlug: String)
    /// The receiver holds snapshots of the feature but has verified none yet (HTTP 409): it waits for
    /// `snapshotID`'s indexed events (`missingArtifacts` still missing).
    case pending(url: String, featureSlug: String, snapshotID: String, missingArtifacts: Int)
    case badStatus(url: String, status: Int)
    case malformed(url: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let error): "receiver URL \(error)"
        case .unreachable(let url, let reason): "cannot reach the receiver at \(url): \(reason)"
        case .notFound(let url, let slug): "the receiver at \(url) has no snapshot for feature '\(slug)'"
        case .pending(let url, let slug, let snapshot, let missing):
            "the receiver at \(url) has no verified snapshot for feature '\(TerminalText.escape(slug, limit: 200))' "
                + "yet: it waits for snapshot \(TerminalText.escape(snapshot, limit: 200)) "
                + "(\(missing) artifact(s) still missing)"
        case .badStatus(let url, let status): "the receiver at \(url) answered HTTP \(status)"
        case .malformed(let url, let reason): "the receiver at \(url) sent a malformed baseline: \(reason)"
        }
    }
}

/// Fetches the baseline the reference receiver reduced from the event stream
/// (`GET <base>/dossiers/<slug>/baseline`), for `dossier drift --remote`.
public struct RemoteBaselineClient: Sendable {
    public var timeoutSeconds: Double

    public init(timeoutSeconds: Double = 10) { self.timeoutSeconds = timeoutSeconds }

    /// `baseURL` is the receiver's root (e.g. `http://127.0.0.1:8080`); a trailing `/webhook` is ignored so
    /// the delivery endpoint URL works too. The returned baseline's `source` is the URL it came from.
    public func fetch(endpoint baseURL: String, featureSlug: String) async throws(RemoteBaselineError) -> Baseline {
        let base: EndpointURL
        do { base = try EndpointURL(validating: baseURL) } catch { throw .invalidURL(error) }
        var rootPath = base.path
        while rootPath.hasSuffix("/") { rootPath.removeLast() }
        if rootPath.hasSuffix("/webhook") { rootPath.removeLast("/webhook".count) }
        let root = base.replacingPath(rootPath)
        let target = base.replacingPath(rootPath + "/dossiers/" + Self.encodePathSegment(featureSlug) + "/baseline")
        let url = target.requestURL
        let shown = target.redacted
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                redirectConfiguration: .disallow,
                timeout: .init(
                    connect: .seconds(5), read: .milliseconds(HTTPWebhookTransport.milliseconds(timeoutSeconds)))))
        let result: Result<(Int, Data), RemoteBaselineError>
        do {
            var request = HTTPClientRequest(url: url)
            if let authorization = target.basicAuthorization {
                request.headers.add(name: "Authorization", value: authorization)
            }
            let response = try await client.execute(
                request, timeout: .milliseconds(HTTPWebhookTransport.milliseconds(timeoutSeconds)))
            let body = try await response.body.collect(upTo: 64 << 20)
            result = .success((Int(response.status.code), Data(body.readableBytesView)))
        } catch {
            result = .failure(.unreachable(url: shown, reason: ConnectionFailureText.phrase(error)))
        }
        try? await client.shutdown()
        let (status, body) = try result.get()
        if status == 404 { throw .notFound(url: shown, featureSlug: featureSlug) }
        if status == 409 {
            guard let waiting = try? JSONDecoder().decode(PendingAnswer.self, from: body) else {
                throw .malformed(url: shown, reason: "HTTP 409 without a 'pending' object")
            }
            throw .pending(
                url: shown, featureSlug: featureSlug, snapshotID: waiting.pending.snapshotID,
                missingArtifacts: waiting.pending.missingArtifacts)
        }
        guard status == 200 else { throw .badStatus(url: shown, status: status) }
        do {
            var baseline = try JSONDecoder().decode(Baseline.self, from: body)
            baseline.source = root.redacted
            return baseline
        } catch {
            throw .malformed(url: shown, reason: "\(error)")
        }
    }

    /// The body of a 409 answer: `{"error": "…", "pending": {"snapshot_id": "…", "missing_artifacts": n, …}}`.
    struct PendingAnswer: Decodable {
        struct Pending: Decodable {
            var snapshotID: String
            var missingArtifacts: Int

            enum CodingKeys: String, CodingKey {
                case snapshotID = "snapshot_id"
                case missingArtifacts = "missing_artifacts"
            }
        }
        var pending: Pending
    }

    /// Percent-encodes one path segment: every byte of the UTF-8 form except the RFC 3986 unreserved
    /// characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`, so `/`, `%`, `?`, `#`, spaces and non-ASCII survive
    /// the trip to the receiver, which decodes the segment back to the same string.
    public static func encodePathSegment(_ segment: String) -> String {
        // `.` and `..` alone are dot-segments a client or server may resolve away: send them encoded.
        if segment == "." || segment == ".." { return String(repeating: "%2E", count: segment.count) }
        var out = ""
        let hex = Array("0123456789ABCDEF")
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
