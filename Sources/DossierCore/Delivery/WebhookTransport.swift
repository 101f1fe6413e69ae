import AsyncHTTPClient
import Foundation

/// Sends one signed POST and reduces what happened to a `DeliveryAnswer`. The edge between the delivery
/// engine and the network.
public protocol WebhookTransport: Sendable {
    func post(url: String, headers: [(String, String)], body: Data) async -> DeliveryAnswer
    /// Releases connections and threads.
    func shutdown() async
}

/// The production transport over async-http-client: redirects off, connect and total timeouts, keep-alive, and
/// no retried connection attempts, so a refused connection is an immediate `connectionFailed` (not a wait for the
/// connect timeout).
public final class HTTPWebhookTransport: WebhookTransport {
    let client: HTTPClient
    let requestTimeout: Double
    /// Largest answer body read (answers are short JSON documents).
    static let maxAnswerBytes = 4 << 20

    /// `maxConnections`: connections kept per host (at least the flush's window, so requests never queue here).
    public init(connectTimeout: Double = 5, requestTimeout: Double = 30, maxConnections: Int = 8) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .milliseconds(Self.milliseconds(connectTimeout)),
                read: .milliseconds(Self.milliseconds(requestTimeout)))
        )
        configuration.decompression = .disabled
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(8, maxConnections)
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.requestTimeout = requestTimeout
    }

    public func post(url: String, headers: [(String, String)], body: Data) async -> DeliveryAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Self.milliseconds(requestTimeout)))
            let buffer = try await response.body.collect(upTo: Self.maxAnswerBytes)
            return .http(
                status: Int(response.status.code), body: Data(buffer.readableBytesView),
                retryAfter: response.headers.first(name: "Retry-After"),
                location: response.headers.first(name: "Location"))
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout:
                return .timeout("no answer within \(Self.format(requestTimeout)) s")
            case .connectTimeout:
                return .timeout("connect timed out")
            default:
                return .connectionFailed(ConnectionFailureText.phrase(error))
            }
        } catch {
            return .connectionFailed(ConnectionFailureText.phrase(error))
        }
    }

    /// Seconds as whole milliseconds for NIO, without trapping: NaN, negative or tiny values become 1 ms,
    /// anything beyond a day becomes a day.
    static func milliseconds(_ seconds: Double) -> Int64 {
        guard !seconds.isNaN, seconds > 0.001 else { return 1 }
        return Int64(min(seconds, 86_400) * 1000)
    }

    static func format(_ seconds: Double) -> String {
        seconds.isFinite && abs(seconds) < 1e15 && seconds == seconds.rounded()
            ? String(Int64(seconds)) : String(seconds)
    }

    public func shutdown() async {
        try? await client.shutdown()
    }
}
