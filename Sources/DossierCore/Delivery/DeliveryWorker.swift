import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How a delivery worker behaves. Defaults follow DESIGN §7.
public struct DeliveryConfiguration: Sendable {
    /// The webhook URL events are POSTed to.
    public var endpoint: String
    public var secret: WebhookSecret
    public var schedule: RetrySchedule = .standard
    /// Batch limits (DESIGN §7: 100 events / 256 KB).
    public var maxEvents: Int = 100
    public var maxBytes: Int = 256 * 1024
    /// Batches claimed per claim transaction (they are sent one after another).
    public var batchesPerClaim: Int = 10
    /// Lease of a claim; the worker stops using a claim before it could expire mid-request.
    public var leaseSeconds: Double = 120
    public var connectTimeout: Double = 5
    public var requestTimeout: Double = 30
    /// Unanswered attempts in a row after which a flush stops and reports the endpoint unreachable.
    public var maxConsecutiveUnreachable: Int = 3
    /// Pause between unanswered attempts within one flush, in seconds.
    public var unreachablePause: Double = 0.5
    /// With `untilEmpty`, the longest a flush waits for a retry to come due before giving up (nil: no limit).
    public var maxRetryWait: Double? = nil
    /// Clock and randomness (injected for tests).
    public var now: @Sendable () -> Date = { Date() }
    public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }

    public init(endpoint: String, secret: WebhookSecret) {
        self.endpoint = endpoint
        self.secret = secret
    }

    /// The endpoint as shown in logs, output and the database: any `user:password@` is removed.
    public var displayEndpoint: String { Self.redact(endpoint) }

    /// A URL as it may be shown: userinfo replaced by `***`, also when the URL does not parse.
    static func redact(_ url: String) -> String {
        (try? EndpointURL(validating: url))?.redacted ?? EndpointURL.redact(url)
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

    public init() {}

    public var description: String {
        var text = "delivered \(delivered), retried \(retried), dead \(dead), attempts \(attempts)"
        if let paused { text += "; endpoint paused: \(paused)" }
        if unreachable { text += "; endpoint unreachable: \(unreachableReason ?? "no answer")" }
        return text
    }
}

/// Why a flush could not run at all (the queue failed).
public struct DeliveryError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Delivers the queue to one endpoint: claims due events with a lease, sends them in queue order as signed
/// batches, one request at a time, applies `DeliveryDecision` to every answer, records every attempt and the
/// endpoint's state. 413 splits and 400/422 bisections are resent within the same flush.
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
        self.configuration = configuration
        self.transport =
            transport
            ?? HTTPWebhookTransport(
                connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout)
        self.owner = "pid\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Closes the HTTP client. Call once when done.
    public func shutdown() async { await transport.shutdown() }

    /// What sending one batch (and its split/bisect descendants) led to.
    struct SendResult {
        var summary = FlushSummary()
        /// Stop the flush: paused or unreachable.
        var stop: EndpointVerdict?
    }

    /// Delivers what is due. With `untilEmpty`, also waits for retries to come due and for other workers'
    /// claims, until no pending or in-flight event is left (or the endpoint pauses / stays unreachable).
    /// `progress` is called after every request with the running totals.
    public func flush(untilEmpty: Bool = false, progress: (@Sendable (FlushSummary) -> Void)? = nil)
        async throws(DeliveryError) -> FlushSummary
    {
        let c = configuration
        // Checked before anything is claimed: a URL the HTTP client cannot even start a request to must never
        // leave claimed events in flight behind it.
        let endpoint: EndpointURL
        do { endpoint = try EndpointURL(validating: c.endpoint) } catch {
            throw DeliveryError(message: "webhook endpoint \(error)")
        }
        var total = FlushSummary()
        var consecutiveUnreachable = 0
        let batcher = Batcher(maxEvents: c.maxEvents, maxBytes: c.maxBytes)
        var waitedSince: Date?
        let writer = OrderedWriter(
            queue: queue, owner: owner, groupSize: max(1, c.batchesPerClaim / 2), maxAttempts: c.schedule.maxAttempts)
        outer: while !Task.isCancelled {
            try await writer.drain()
            let now = c.now()
            let claimed: [QueuedEvent]
            do {
                claimed = try queue.claimDue(
                    now: now, limit: c.maxEvents * max(1, c.batchesPerClaim),
                    maxBytes: c.maxBytes * max(1, c.batchesPerClaim), leaseSeconds: c.leaseSeconds, owner: owner)
            } catch {
                throw DeliveryError(message: "cannot claim events: \(error)")
            }
            if claimed.isEmpty {
                guard untilEmpty else { break }
                let status: QueueStatus
                do { status = try queue.status(now: now) } catch { throw DeliveryError(message: "\(error)") }
                let pending = status.counts[.pending] ?? 0
                let inFlight = status.counts[.inFlight] ?? 0
                if pending + inFlight == 0 { break }
                let start = waitedSince ?? now
                waitedSince = start
                if let limit = c.maxRetryWait, now.timeIntervalSince(start) > limit { break }
                var wait = 0.05
                if pending > 0, let next = status.nextAttemptAt { wait = next.timeIntervalSince(now) }
                try? await Task.sleep(for: .seconds(min(max(wait, 0.002), 1.0)))
                continue
            }
            waitedSince = nil
            let leaseEnd = now.addingTimeInterval(c.leaseSeconds)
            let byID = Dictionary(claimed.map { ($0.eventID, $0) }, uniquingKeysWith: { a, _ in a })
            let batches = batcher.batches(claimed.map { BatchItem(eventID: $0.eventID, body: $0.body) })
            for (index, batch) in batches.enumerated() {
                // Never start a request that could outlive the claim's lease: give the rest back.
                if Task.isCancelled || c.now().addingTimeInterval(c.requestTimeout + 1) > leaseEnd {
                    try await writer.drain()
                    total.released += try release(batches[index...].flatMap(\.eventIDs))
                    continue outer
                }
                let result: SendResult
                do {
                    result = try await send(
                        batch, to: endpoint, events: byID, progress: progress, running: total, writer: writer)
                } catch {
                    // Give back what this claim still holds (outcomes already recorded are left as they are).
                    _ = try? release(batches[index...].flatMap(\.eventIDs))
                    throw error
                }
                total.add(result.summary)
                progress?(total)
                switch result.stop {
                case .paused(let reason)?:
                    try await writer.drain()
                    total.released += try release(batches[(index + 1)...].flatMap(\.eventIDs))
                    total.paused = reason
                    break outer
                case .unreachable(let reason)?:
                    try await writer.drain()
                    total.released += try release(batches[(index + 1)...].flatMap(\.eventIDs))
                    consecutiveUnreachable += 1
                    if consecutiveUnreachable >= c.maxConsecutiveUnreachable {
                        total.unreachable = true
                        total.unreachableReason = reason
                        break outer
                    }
                    try? await Task.sleep(for: .seconds(c.unreachablePause))
                    continue outer
                default:
                    consecutiveUnreachable = 0
                }
            }
        }
        try await writer.drain()
        return total
    }

    func release(_ ids: [String]) throws(DeliveryError) -> Int {
        guard !ids.isEmpty else { return 0 }
        do {
            return try queue.complete(ids.map { .release(eventID: $0) }, owner: owner, now: configuration.now())
                .applied
        } catch {
            throw DeliveryError(message: "cannot release claimed events: \(error)")
        }
    }

    /// Sends one batch; on split/bisect sends its halves in order (recursively).
    func send(
        _ batch: DeliveryBatch, to endpoint: EndpointURL, events: [String: QueuedEvent],
        progress: (@Sendable (FlushSummary) -> Void)?, running: FlushSummary, writer: OrderedWriter
    ) async throws(DeliveryError) -> SendResult {
        let c = configuration
        let started = c.now()
        let timestamp = Int64(started.timeIntervalSince1970)
        let signed = StandardWebhooks.sign(id: batch.id, timestamp: timestamp, body: batch.body, secret: c.secret)
        var headers = [
            ("Content-Type", "application/json"),
            (WebhookHeaders.idName, signed.id),
            (WebhookHeaders.timestampName, String(signed.timestamp)),
            (WebhookHeaders.signatureName, signed.signature),
        ]
        if let authorization = endpoint.basicAuthorization { headers.append(("Authorization", authorization)) }
        let answer = await transport.post(url: endpoint.requestURL, headers: headers, body: batch.body)
        let finished = c.now()
        let decision = DeliveryDecision.decide(
            answer: answer,
            events: batch.items.map {
                DeliveryDecision.Event(id: $0.eventID, attempts: events[$0.eventID]?.attempts ?? 0)
            },
            schedule: c.schedule, now: finished, random: c.random)
        var result = SendResult()
        result.summary.attempts = 1
        var statusCode: Int?
        if case .http(let status, _, _, _) = answer { statusCode = status }
        var nextRetry: Date?
        for outcome in decision.outcomes {
            switch outcome {
            case .delivered: result.summary.delivered += 1
            case .dead: result.summary.dead += 1
            case .retry(_, let at, _, _):
                result.summary.retried += 1
                nextRetry = min(nextRetry ?? at, at)
            case .release: result.summary.released += 1
            }
        }
        let outcomes = decision.outcomes.map(\.queueOutcome)
        let log = DeliveryAttemptLog(
            batchID: batch.id, endpoint: c.displayEndpoint, startedAt: started,
            latencyMs: finished.timeIntervalSince(started) * 1000, eventIDs: batch.eventIDs,
            byteCount: batch.body.count, statusCode: statusCode, error: decision.error, outcome: decision.label,
            nextRetryAt: nextRetry)
        // Outcomes are group-committed in the background while the next requests go out. Safe: until they
        // commit, the events stay in_flight under our lease, so a crash means a resend the receiver dedupes.
        try await writer.enqueue(
            AttemptCompletion(outcomes: outcomes, now: finished, log: log, verdict: decision.endpoint))
        switch decision.endpoint {
        case .paused, .unreachable: result.stop = decision.endpoint
        default: break
        }
        if decision.followUp != .none, let (left, right) = batch.halves() {
            progress?(running.adding(result.summary))
            let first = try await send(
                left, to: endpoint, events: events, progress: progress, running: running.adding(result.summary),
                writer: writer)
            result.summary.add(first.summary)
            if let stop = first.stop {
                try await writer.drain()
                result.summary.released += try release(right.eventIDs)
                result.stop = stop
                return result
            }
            progress?(running.adding(result.summary))
            let second = try await send(
                right, to: endpoint, events: events, progress: progress, running: running.adding(result.summary),
                writer: writer)
            result.summary.add(second.summary)
            result.stop = second.stop
        }
        return result
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

    func adding(_ other: FlushSummary) -> FlushSummary {
        var copy = self
        copy.add(other)
        return copy
    }
}

extension DeliveryOutcome {
    /// The queue's form of this outcome.
    public var queueOutcome: EventOutcome {
        switch self {
        case .delivered(let id): .delivered(eventID: id)
        case .retry(let id, let at, let error, let consume):
            .retry(eventID: id, at: at, error: error, consumeAttempt: consume)
        case .dead(let id, let reason): .dead(eventID: id, reason: reason)
        case .release(let id): .release(eventID: id)
        }
    }
}

/// Group-commits attempt completions, in order, one transaction at a time, in the background: completions are
/// buffered and written when `groupSize` have gathered (while the caller sends the next batches) or on `drain`.
/// The next write waits for the previous one and surfaces its error.
final class OrderedWriter: @unchecked Sendable {
    // Only touched from the one flushing task (sequentially), so no lock is needed.
    private var inFlight: Task<Void, any Error>?
    private var buffer: [AttemptCompletion] = []
    let queue: EventQueue
    let owner: String
    let groupSize: Int
    /// The retry schedule's attempt limit: it, not the queue's default cap, decides when retries are exhausted.
    let maxAttempts: Int

    init(queue: EventQueue, owner: String, groupSize: Int, maxAttempts: Int) {
        self.queue = queue
        self.owner = owner
        self.groupSize = groupSize
        self.maxAttempts = maxAttempts
    }

    func enqueue(_ completion: AttemptCompletion) async throws(DeliveryError) {
        buffer.append(completion)
        if buffer.count >= groupSize { try await startWrite() }
    }

    private func startWrite() async throws(DeliveryError) {
        try await waitForWrite()
        guard !buffer.isEmpty else { return }
        let group = buffer
        buffer = []
        let (queue, owner, maxAttempts) = (self.queue, self.owner, self.maxAttempts)
        inFlight = Task.detached { try queue.completeAndRecord(group, owner: owner, maxAttempts: maxAttempts) }
    }

    private func waitForWrite() async throws(DeliveryError) {
        guard let task = inFlight else { return }
        inFlight = nil
        do {
            try await task.value
        } catch {
            throw DeliveryError(message: "cannot record delivery attempts: \(error)")
        }
    }

    /// Writes everything buffered and waits until it is committed.
    func drain() async throws(DeliveryError) {
        try await startWrite()
        try await waitForWrite()
    }
}
