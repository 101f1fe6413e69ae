import DossierCore
import Foundation
import Hummingbird
import Logging
import NIOPosix
import Synchronization

/// The request context of the receiver: the standard one plus a way to drop the connection (fault injection).
struct ReceiverContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let closeConnection: @Sendable () async -> Void

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        let channel = source.channel
        self.closeConnection = { try? await channel.close().get() }
    }

    var maxUploadSize: Int { 1 << 20 }
}

/// Why the receiver could not start.
public struct ReceiverStartError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The reference webhook receiver: `POST /webhook` verifies the Standard Webhooks signature (any of
/// the configured secrets) and timestamp, validates every event (`EventValidation`), deduplicates by `event_id`,
/// stores durably before answering `200 {"results":[…]}`; `GET /dossiers`, `GET /dossiers/<slug>/baseline`,
/// `GET /healthz` serve the reduced state (`BaselineResponse`).
public final class WebhookReceiver: Sendable {
    public let configuration: ReceiverConfiguration
    public let store: any ReceiverStore
    let faults: FaultInjector
    private let running: Mutex<Task<Void, any Error>?> = Mutex(nil)

    /// Opens the SQLite store at `configuration.storePath`; does not bind yet.
    public convenience init(configuration: ReceiverConfiguration) throws {
        self.init(configuration: configuration, store: try SQLiteReceiverStore(path: configuration.storePath))
    }

    /// Opens the SQLite store on a NIO thread pool thread (opening migrates and fsyncs: not work for the caller's
    /// cooperative thread); does not bind yet.
    public static func open(configuration: ReceiverConfiguration) async throws -> WebhookReceiver {
        let path = configuration.storePath
        let store = try await NIOThreadPool.singleton.runIfActive { try SQLiteReceiverStore(path: path) }
        return WebhookReceiver(configuration: configuration, store: store)
    }

    /// Serves `store` (any `ReceiverStore`); does not bind yet.
    public init(configuration: ReceiverConfiguration, store: any ReceiverStore) {
        self.configuration = configuration
        self.store = store
        self.faults = FaultInjector(configuration.faults)
    }

    /// Binds and serves in the background; returns the bound port (useful with port 0).
    public func start() async throws -> Int {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = makeApplication { port in continuation.yield(port) }
        let task = Task {
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        running.withLock { $0 = task }
        var port: Int?
        for await bound in stream {
            port = bound
            break
        }
        guard let port, port > 0 else {
            let reason: String
            do {
                try await task.value
                reason = "the server stopped"
            } catch { reason = "\(error)" }
            throw ReceiverStartError(
                message: "cannot listen on \(configuration.host):\(configuration.port): \(reason)")
        }
        return port
    }

    /// Stops a server started with `start()` and waits for it to finish.
    public func stop() async {
        let task = running.withLock { t in
            defer { t = nil }
            return t
        }
        task?.cancel()
        _ = try? await task?.value
    }

    /// Serves in the foreground until SIGINT or SIGTERM; `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let app = makeApplication(onListening)
        try await app.runService()
    }

    func makeApplication(_ onListening: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router(context: ReceiverContext.self)
        router.add(middleware: StoreUnavailableMiddleware())
        router.post("/webhook") { request, context in try await self.handleWebhook(request, context) }
        router.get("/healthz") { _, _ in
            let count = try await self.store.eventCount()
            return Self.json(200, Data(#"{"status":"ok","events":\#(count)}"#.utf8))
        }
        router.get("/dossiers") { _, _ in
            let summaries = try await self.store.summaries()
            return Self.json(200, try Self.encoder.encode(["dossiers": summaries]))
        }
        router.get("/dossiers/:slug/baseline") { _, context in
            let raw = try context.parameters.require("slug")
            guard let slug = Self.decodePathSegment(raw) else {
                return Self.error(
                    400,
                    "feature slug '\(TerminalText.escape(raw, limit: 200))' in the path is not valid percent-encoded UTF-8"
                )
            }
            let answer = try await self.store.baseline(featureSlug: slug, source: "receiver")
            let (status, body) = try BaselineResponse.encode(answer, featureSlug: slug)
            return Self.json(status, body)
        }
        var logger = Logger(label: "dossier.receiver")
        // Hummingbird reports a normal shutdown as an error ("Already closed"); only critical problems show.
        logger.logLevel = .critical
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func json(_ status: Int, _ data: Data, headers extra: [(String, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for (name, value) in extra {
            if let field = HTTPFields.Element.Name(name) { headers[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: Int, _ message: String, headers: [(String, String)] = []) -> Response {
        let body = (try? encoder.encode(["error": message])) ?? Data()
        return json(status, body, headers: headers)
    }

    /// Percent-decodes one path segment (`%XX` to bytes, which must form UTF-8); nil for a stray `%`, bad hex
    /// digits or invalid UTF-8. `+` stays `+` (it only means a space in query strings).
    public static func decodePathSegment(_ segment: String) -> String? {
        guard segment.contains("%") else { return segment }
        return segment.removingPercentEncoding
    }

    static func header(_ fields: HTTPFields, _ name: String) -> String? {
        guard let field = HTTPFields.Element.Name(name) else { return nil }
        return fields[field]
    }

    func handleWebhook(_ request: Request, _ context: ReceiverContext) async throws -> Response {
        let action = faults.nextAction()
        if configuration.faults.latencyMs > 0 {
            try await Task.sleep(for: .milliseconds(configuration.faults.latencyMs))
        }
        switch action {
        case .hold:
            // Until the client closes the connection or the receiver stops; the batch is never stored.
            try await Task.sleep(for: .seconds(86_400))
            return Self.error(503, "held (injected)")
        case .dropConnection:
            await context.closeConnection()
            return Self.error(500, "connection dropped (injected)")
        case .answer(let status, let retryAfter):
            return Self.error(
                status, "injected fault: HTTP \(status)",
                headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
        case .proceed:
            break
        }
        var request = request
        let buffer = try await request.collectBody(upTo: configuration.maxBodyBytes)
        let body = Data(buffer.readableBytesView)
        let headers = request.headers
        do {
            try StandardWebhooks.verify(
                id: Self.header(headers, "webhook-id"), timestamp: Self.header(headers, "webhook-timestamp"),
                signature: Self.header(headers, "webhook-signature"), body: body, secrets: configuration.secrets,
                now: Int64(Date().timeIntervalSince1970), toleranceSeconds: configuration.toleranceSeconds)
        } catch {
            return Self.error(401, "signature verification failed: \(error)")
        }
        let batch: ReceivedBatch
        do {
            batch = try BatchParser.parse(body)
        } catch {
            return Self.error(400, "\(error)")
        }
        var events: [IncomingEvent] = []
        var ids: [String?] = []
        events.reserveCapacity(batch.events.count)
        ids.reserveCapacity(batch.events.count)
        for raw in batch.events {
            do {
                let envelope = try EventValidation.envelope(raw)
                ids.append(envelope.eventID)
                if let poison = configuration.faults.rejectEventType,
                    faults.rejects(eventType: envelope.eventType.rawValue, eventID: envelope.eventID)
                {
                    if configuration.faults.rejectWholeBatch {
                        return Self.error(422, "batch holds an event of type \(poison), which this receiver rejects")
                    }
                    events.append(
                        IncomingEvent(
                            raw: raw, envelope: nil,
                            rejection: "event type \(poison) is rejected by this receiver (--reject-event-type)"))
                } else {
                    events.append(IncomingEvent(raw: raw, envelope: envelope, rejection: nil))
                }
            } catch {
                events.append(IncomingEvent(raw: raw, envelope: nil, rejection: "invalid event: \(error)"))
                let object = (try? JSONSerialization.jsonObject(with: raw)) as? [String: Any]
                ids.append(object?["event_id"] as? String)
            }
        }
        let verdicts = try await store.store(
            IncomingBatch(batchID: batch.batchID, events: events, receivedAt: EventTimestamp.string(from: Date())))
        return Self.json(200, try ResultsBody.encode(ids: ids, verdicts: verdicts))
    }
}
