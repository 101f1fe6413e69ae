import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a delivery worker behaves. Defaults follow docs/architecture.md.
public struct DeliveryConfiguration: Sendable {
    /// The webhook URL events are POSTed to.
    public var endpoint: String
    /// Every request is signed with each of these (`v1,<sig1> v1,<sig2>`): during a key rotation the receiver
    /// accepts the request with either key. At least one.
    public var secrets: [WebhookSecret]
    public var schedule: RetrySchedule = .standard
    /// Batch limits (100 events / 256 KB).
    public var maxEvents: Int = 100
    public var maxBytes: Int = 256 * 1024
    /// Batches claimed per claim transaction.
    public var batchesPerClaim: Int = 10
    /// Requests in flight at once (1: strictly one after another, in queue order).
    public var window: Int = DeliveryConfiguration.defaultWindow
    /// Lease of a claim; a request is started only if it ends (timeout) before its claim's lease does.
    public var leaseSeconds: Double = 120
    public var connectTimeout: Double = 5
    public var requestTimeout: Double = 30
    /// Unanswered rounds in a row after which a flush stops and reports the endpoint unreachable.
    public var maxConsecutiveUnreachable: Int = 3
    /// Pause between unanswered rounds within one flush, in seconds.
    public var unreachablePause: Double = 0.5
    /// With `untilEmpty`, the longest a flush waits for a retry to come due before giving up (nil: no limit).
    public var maxRetryWait: Double? = nil
    /// Wall clock (attempt times, leases, retry times), randomness and the clock waits sleep on (injected for tests).
    public var now: @Sendable () -> Date = { Date() }
    public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }
    public var clock: any Clock<Duration> = ContinuousClock()

    /// The default `window`.
    public static let defaultWindow = 4
    /// The largest `window` accepted from the command line or config.toml.
    public static let maxWindow = 64

    public init(endpoint: String, secret: WebhookSecret) {
        self.init(endpoint: endpoint, secrets: [secret])
    }

    /// `secrets` must not be empty (`DeliverySettings` guarantees it).
    public init(endpoint: String, secrets: [WebhookSecret]) {
        self.endpoint = endpoint
        self.secrets = secrets
    }

    /// The endpoint as shown in logs, output and the database: any `user:password@` is removed.
    public var displayEndpoint: String { Self.redact(endpoint) }

    /// A URL as it may be shown: userinfo replaced by `***`, also when the URL does not parse.
    static func redact(_ url: String) -> String {
        (try? EndpointURL(validating: url))?.redacted ?? EndpointURL.redact(url)
    }

    /// The state machine's view of this configuration.
    func machineSettings(untilEmpty: Bool) -> FlushStateMachine.Settings {
        let perClaim = max(1, batchesPerClaim)
        return FlushStateMachine.Settings(
            window: window, claimLimit: max(1, maxEvents) * perClaim, claimMaxBytes: max(1, maxBytes) * perClaim,
            leaseSeconds: leaseSeconds, requestTimeout: requestTimeout,
            maxConsecutiveUnreachable: maxConsecutiveUnreachable, unreachablePause: unreachablePause,
            untilEmpty: untilEmpty, maxRetryWait: maxRetryWait,
            batcher: Batcher(maxEvents: maxEvents, maxBytes: maxBytes),
            schedule: schedule, endpoint: displayEndpoint)
    }
}

/// What one flush did.
public struct FlushSummary: Sendable, Equatable, CustomStringConvertible {
    public var delivered = 0
    /// Events sent back to pending for a later attempt (answered failures and unanswered ones).
    public var retried = 0
    public var dead = 0
    /// HTTP requests made.
    public var attempts = 0
    /// Set when the endpoint was paused (auth/configuration answer): the reason.
    public var paused: String?
    /// True when the flush stopped because the endpoint did not answer.
    public var unreachable = false
    public var unreachableReason: String?
    /// Events whose claim was given back untouched (pause, shutdown, lease running out).
    public var released = 0
    /// Set when nothing was sent: events in flight under another owner's unexpired lease, and when the last of
    /// those leases ends.
    public var leasedElsewhere = 0
    public var leasedUntil: Date?

    public init() {}

    /// `N events leased by another flush until HH:MM:SS UTC`, or nil when none are.
    public var leaseNote: String? {
        guard leasedElsewhere > 0, let leasedUntil else { return nil }
        let noun = leasedElsewhere == 1 ? "event" : "events"
        return "\(leasedElsewhere) \(noun) leased by another flush until \(Self.clockTime(leasedUntil)) UTC"
    }

    /// `HH:MM:SS` of a UTC time, rounded up to the second (fixed format: the same on every machine, locale and
    /// time zone).
    static func clockTime(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.up))
        let day = ((seconds % 86_400) + 86_400) % 86_400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(day / 3600)):\(two(day / 60 % 60)):\(two(day % 60))"
    }

    public var description: String {
        var text = "delivered \(delivered), retried \(retried), dead \(dead), attempts \(attempts)"
        if let paused { text += "; endpoint paused: \(paused)" }
        if unreachable { text += "; endpoint unreachable: \(unreachableReason ?? "no answer")" }
        if let leaseNote { text += "; " + leaseNote }
        return text
    }
}

/// Why a flush could not go on: the endpoint cannot be requested at all, or the queue failed at one of the
/// flush's steps (the queue error says which database and why). Claims still held were given back.
public enum DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configured webhook URL is not one a request can be made to (nothing was claimed).
    case invalidEndpoint(EndpointURLError)
    /// Claiming due events failed.
    case claim(QueueError)
    /// Committing answered attempts (outcomes, attempt rows, endpoint state) failed.
    case record(QueueError)
    /// Reading what is left to deliver failed.
    case backlog(QueueError)

    public var description: String {
        switch self {
        case .invalidEndpoint(let error): "webhook endpoint \(error)"
        case .claim(let error): "cannot claim events: \(error)"
        case .record(let error): "cannot record delivery attempts: \(error)"
        case .backlog(let error): "cannot read the delivery backlog: \(error)"
        }
    }
}

/// Delivers the queue to one endpoint by executing a `FlushStateMachine`'s actions: claims (with a lease),
/// signed POSTs (up to `window` at once), group commits of outcomes, attempt rows and endpoint state, waits.
/// Database work runs on GRDB's own queues and waits on the injected clock: nothing blocks the cooperative pool.
public final class DeliveryWorker: Sendable {
    public let queue: EventQueue
    public let configuration: DeliveryConfiguration
    let transport: any WebhookTransport
    /// Unique per worker; the lease owner of its claims.
    public let owner: String

    public init(queue: EventQueue, configuration: DeliveryConfiguration, transport: (any WebhookTransport)? = nil) {
        self.queue = queue
        // A lease shorter than one request would hand every claim straight back and spin: keep it long enough
        // for at least one request (timeout + 2 s) so every claim makes progress.
        var configuration = configuration
        configuration.leaseSeconds = max(configuration.leaseSeconds, configuration.requestTimeout + 2)
        configuration.window = min(max(1, configuration.window), DeliveryConfiguration.maxWindow)
        self.configuration = configuration
        self.transport =
            transport
            ?? HTTPWebhookTransport(
                connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
                maxConnections: configuration.window)
        self.owner = "pid\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Closes the HTTP client. Call once when done.
    public func shutdown() async { await transport.shutdown() }

    /// What a child task of the flush reports.
    enum Step: Sendable {
        case event(FlushStateMachine.Event)
        case failed(DeliveryError)
    }

    /// Delivers what is due. With `untilEmpty`, also waits for retries to come due and for other workers'
    /// claims, until no pending or in-flight event is left (or the endpoint pauses / stays unreachable).
    /// `progress` is called after every answer with the running totals. Cancelling the calling task is a
    /// shutdown: nothing more is sent, unsent claims are given back, answers already in are committed.
    public func flush(untilEmpty: Bool = false, progress: (@Sendable (FlushSummary) -> Void)? = nil)
        async throws(DeliveryError) -> FlushSummary
    {
        let c = configuration
        // Checked before anything is claimed: a URL the HTTP client cannot even start a request to must never
        // leave claimed events in flight behind it.
        let endpoint: EndpointURL
        do { endpoint = try EndpointURL(validating: c.endpoint) } catch { throw .invalidEndpoint(error) }
        var machine = FlushStateMachine(
            settings: c.machineSettings(untilEmpty: untilEmpty), random: c.random, now: c.now())
        let result = await withTaskGroup(of: Step.self) { group -> Result<FlushSummary, DeliveryError> in
            var actions = machine.start(now: c.now())
            var shutdownSent = false
            while true {
                for action in actions {
                    if case .stop(let summary) = action {
                        group.cancelAll()
                        return .success(summary)
                    }
                    group.addTask { await self.execute(action, endpoint: endpoint) }
                }
                guard let step = await group.next() else { return .success(machine.summary) }
                actions = []
                // Before the step: a request the cancellation cut short is then seen as abandoned, not unanswered.
                if Task.isCancelled, !shutdownSent {
                    shutdownSent = true
                    actions = machine.handle(.shutdown(at: c.now()))
                }
                switch step {
                case .event(let event):
                    actions += machine.handle(event)
                    if case .answered = event { progress?(machine.summary) }
                case .failed(let error):
                    group.cancelAll()
                    // Give back what this flush still holds (outcomes already committed are left as they are).
                    let held = machine.heldEventIDs
                    let (queue, owner, now) = (self.queue, self.owner, c.now())
                    _ = await Task { try await queue.complete(held.map { .release($0) }, owner: owner, now: now) }
                        .result
                    return .failure(error)
                }
            }
        }
        var summary = try result.get()
        if summary.attempts == 0 {
            // Nothing was sent: say whether events are held by another flush's lease (running, or killed
            // before it could give them back), so "delivered 0" is not a mystery.
            let (queue, owner, now) = (self.queue, self.owner, c.now())
            if case .success(let leased) = await Task(operation: {
                try await queue.leasedElsewhere(owner: owner, now: now)
            }).result {
                summary.leasedElsewhere = leased.count
                summary.leasedUntil = leased.until
            }
        }
        return summary
    }

    /// Executes one action (never `.stop`) and reports what happened. Database writes run in an unstructured
    /// task: a shutdown cancels requests and waits, never a commit half-way.
    func execute(_ action: FlushStateMachine.Action, endpoint: EndpointURL) async -> Step {
        let (c, queue, owner) = (configuration, queue, owner)
        switch action {
        case .claim(let limit, let maxBytes, let leaseSeconds):
            let now = c.now()
            let claimed = await Task {
                try await queue.claimDue(
                    now: now, limit: limit, maxBytes: maxBytes, leaseSeconds: leaseSeconds, owner: owner)
            }.result
            switch claimed {
            case .success(let rows): return .event(.claimed(rows, at: c.now()))
            case .failure(let error): return .failed(.claim(queueError(error, "claim")))
            }
        case .send(let token, let batch):
            let started = c.now()
            let answer = await transport.post(
                url: endpoint.requestURL, headers: headers(batch, endpoint: endpoint, at: started), body: batch.body)
            return .event(.answered(token: token, answer, startedAt: started, at: c.now()))
        case .commit(let commit):
            let committed = await Task { try await queue.commit(commit, owner: owner) }.result
            switch committed {
            case .success: return .event(.committed(at: c.now()))
            case .failure(let error): return .failed(.record(queueError(error, "record delivery attempts")))
            }
        case .checkBacklog:
            switch await Task(operation: { try await queue.backlog() }).result {
            case .success(let backlog): return .event(.backlog(backlog, at: c.now()))
            case .failure(let error): return .failed(.backlog(queueError(error, "backlog")))
            }
        case .wait(let until):
            let seconds = until.timeIntervalSince(c.now())
            if seconds > 0 { try? await c.clock.sleep(for: .milliseconds(Int64(min(seconds, 86_400) * 1000))) }
            return .event(.woke(at: c.now()))
        case .stop:
            // `flush` ends on `.stop` itself and never hands it here.
            return .event(.woke(at: c.now()))
        }
    }

    /// The queue's typed error out of an unstructured task's untyped result (anything else, a cancellation for
    /// instance, is reported as a database error of that operation).
    func queueError(_ error: any Error, _ operation: String) -> QueueError {
        (error as? QueueError) ?? .database(path: queue.path, operation: operation, message: "\(error)")
    }

    /// The Standard Webhooks headers of one attempt, signed with every configured secret.
    func headers(_ batch: DeliveryBatch, endpoint: EndpointURL, at started: Date) -> [(String, String)] {
        let signed = StandardWebhooks.sign(
            id: batch.id, timestamp: Int64(started.timeIntervalSince1970), body: batch.body,
            secrets: configuration.secrets)
        var headers = [
            ("Content-Type", "application/json"),
            (WebhookHeaders.idName, signed.id),
            (WebhookHeaders.timestampName, String(signed.timestamp)),
            (WebhookHeaders.signatureName, signed.signature),
        ]
        if let authorization = endpoint.basicAuthorization { headers.append(("Authorization", authorization)) }
        return headers
    }
}

extension FlushSummary {
    /// Adds another flush's counts (for callers that flush several times).
    public mutating func add(_ other: FlushSummary) {
        delivered += other.delivered
        retried += other.retried
        dead += other.dead
        attempts += other.attempts
        released += other.released
        if let p = other.paused { paused = p }
        if other.unreachable {
            unreachable = true
            unreachableReason = other.unreachableReason
        }
    }
}
