import AsyncHTTPClient
import Foundation

/// Why the receiver's baseline could not be fetched.
public enum RemoteBaselineError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case unreachable(url: String, reason: String)
    case notFound(url: String, featureSlug: String)
    case badStatus(url: String, status: Int)
    case malformed(url: String, reason: String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "receiver URL '\(url)' is not an http(s) URL"
        case .unreachable(let url, let reason): "cannot reach the receiver at \(url): \(reason)"
        case .notFound(let url, let slug): "the receiver at \(url) has no snapshot for feature '\(slug)'"
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
        var root = baseURL
        while root.hasSuffix("/") { root.removeLast() }
        if root.hasSuffix("/webhook") { root.removeLast("/webhook".count) }
        let slug =
            featureSlug.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? featureSlug
        let url = root + "/dossiers/" + slug + "/baseline"
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? "") else {
            throw .invalidURL(DeliveryConfiguration.redact(baseURL))
        }
        let shown = DeliveryConfiguration.redact(url)
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(5), read: .milliseconds(Int64(timeoutSeconds * 1000)))))
        let result: Result<(Int, Data), RemoteBaselineError>
        do {
            let response = try await client.execute(
                HTTPClientRequest(url: url), timeout: .milliseconds(Int64(timeoutSeconds * 1000)))
            let body = try await response.body.collect(upTo: 64 << 20)
            result = .success((Int(response.status.code), Data(body.readableBytesView)))
        } catch {
            result = .failure(.unreachable(url: shown, reason: "\(error)"))
        }
        try? await client.shutdown()
        let (status, body) = try result.get()
        if status == 404 { throw .notFound(url: shown, featureSlug: featureSlug) }
        guard status == 200 else { throw .badStatus(url: shown, status: status) }
        do {
            var baseline = try JSONDecoder().decode(Baseline.self, from: body)
            baseline.source = DeliveryConfiguration.redact(root)
            return baseline
        } catch {
            throw .malformed(url: shown, reason: "\(error)")
        }
    }
}
