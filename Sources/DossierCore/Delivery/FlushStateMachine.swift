import Foundation

/// The decisions of one flush, pure (in the manner of async-http-client's `*StateMachine`): events come in
/// (claimed, answered — a timeout or refused connection is an answer too —, committed, backlog, woke, shutdown),
/// actions go out (claim, send, commit, check backlog, wait until, stop). `DeliveryWorker` only executes the
/// actions and feeds back what happened; time comes in with every event, so tests drive it with no clock,
/// no HTTP and no sleeps.
///
/// Rules:
/// - At most `window` requests are in flight; more events are claimed while fewer than `window` batches are
///   waiting to be sent. With a window of 1 every batch is sent after the previous one was answered, in
///   queue order. The first request of a flush, and the first after an unanswered one, goes alone (a probe):
///   the window opens once the endpoint answers, so a dead endpoint costs one request per round.
/// - A request starts only if it ends (its timeout) before its claim's lease does ("lease budget"): when the
///   budget is too low, every unsent batch of that claim is released and fresh events are claimed.
/// - An answered attempt is committed at once when no commit is running; answers that come in while one runs
///   gather into the next (group commit without a delay: a slow endpoint's answers are durable and visible at
///   once, a fast one's are grouped by the commit's own time). Claims given back ride in the same commit. One
///   commit runs at a time.
/// - A shutdown sends nothing more and releases what is unsent; a request that ends without an HTTP answer after
///   it (cancelled, reset, timed out) was abandoned: its events are released, not retried, and no attempt is
///   logged. Answers that do come in are committed as usual, then the flush stops.
/// - A pause answer (auth/configuration) releases what is unsent, lets in-flight requests finish and stops.
///   An unanswered request (refused, reset, timeout) releases what is unsent at once; after the in-flight
///   requests finish, the flush waits `unreachablePause` and claims again, or stops after
///   `maxConsecutiveUnreachable` such rounds in a row.
/// - A claim that finds nothing ends the flush once everything is committed, unless an answer came in
///   meanwhile (claim again) or `untilEmpty` asks to wait for retries and other workers' claims.
public struct FlushStateMachine: Sendable {
    /// What the machine needs to know about the flush.
    public struct Settings: Sendable, Equatable {
        public var window: Int
        /// Events and body bytes per claim.
        public var claimLimit: Int
        public var claimMaxBytes: Int
        public var leaseSeconds: Double
        public var requestTimeout: Double
        public var maxConsecutiveUnreachable: Int
        public var unreachablePause: Double
        public var untilEmpty: Bool
        public var maxRetryWait: Double?
        public var batcher: Batcher
        public var schedule: RetrySchedule
        /// The endpoint as recorded in the attempt log (credentials removed).
        public var endpoint: String

        public init(
            window: Int = 4, claimLimit: Int = 1000, claimMaxBytes: Int = 2_621_440, leaseSeconds: Double = 120,
            requestTimeout: Double = 30, maxConsecutiveUnreachable: Int = 3,
            unreachablePause: Double = 0.5, untilEmpty: Bool = false, maxRetryWait: Double? = nil,
            batcher: Batcher = Batcher(), schedule: RetrySchedule = .standard, endpoint: String
        ) {
            self.window = max(1, window)
            self.claimLimit = max(1, claimLimit)
            self.claimMaxBytes = max(1, claimMaxBytes)
            self.leaseSeconds = leaseSeconds
            self.requestTimeout = requestTimeout
            self.maxConsecutiveUnreachable = max(1, maxConsecutiveUnreachable)
            self.unreachablePause = unreachablePause
            self.untilEmpty = untilEmpty
            self.maxRetryWait = maxRetryWait
            self.batcher = batcher
            self.schedule = schedule
            self.endpoint = endpoint
        }
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        /// A `.claim` returned these rows (possibly none).
        case claimed([QueuedEvent], at: Date)
        /// The request `token` got this answer (an HTTP answer, a timeout or a connection failure).
        case answered(token: Int, DeliveryAnswer, startedAt: Date, at: Date)
        /// The outstanding `.commit` is durable.
        case committed(at: Date)
        /// A `.checkBacklog` found this.
        case backlog(DeliveryBacklog, at: Date)
        /// A `.wait` is over.
        case woke(at: Date)
        /// Stop as soon as possible: send nothing more, give unsent claims back.
        case shutdown(at: Date)
    }

    /// What to do.
    public enum Action: Sendable, Equatable {
        /// Claim due events (`EventQueue.claimDue`), answer with `.claimed`.
        case claim(limit: Int, maxBytes: Int, leaseSeconds: Double)
        /// Sign and POST this batch, answer with `.answered(token:…)`.
        case send(token: Int, DeliveryBatch)
        /// Record answered attempts and release claims in one transaction (`EventQueue.commit`), then `.committed`.
        case commit(DeliveryCommit)
        /// Read what is left (`EventQueue.backlog`), answer with `.backlog`.
        case checkBacklog
        /// Sleep until then, answer with `.woke`.
        case wait(until: Date)
        /// The flush is over.
        case stop(FlushSummary)
    }

    enum Phase: Sendable, Equatable {
        case running
        /// After an unanswered request: finish what is in flight, then pause or stop.
        case cooling(reason: String)
        /// Waiting for `.woke` (an unreachable pause or a wait for retries to come due).
        case waiting
        /// Finish what is in flight and commit, then stop.
        case draining
        case stopped
    }

    /// A batch and the end of its claim's lease.
    struct Held: Sendable, Equatable {
        var batch: DeliveryBatch
        var leaseEnd: Date
    }

    public let settings: Settings
    let random: @Sendable () -> Double
    private(set) var phase = Phase.running
    /// Claimed batches not sent yet, in queue order.
    private(set) var unsent: [Held] = []
    /// Requests on the wire, by token.
    private(set) var inFlight: [Int: Held] = [:]
    /// Attempts already consumed by each held event (from its claim).
    private var attempts: [String: Int] = [:]
    private var nextToken = 0
    private var claimOutstanding = false
    private var commitOutstanding = false
    private var backlogOutstanding = false
    /// The last claim found nothing; `answeredSinceDry` tells whether an answer came in since.
    private var claimDry = false
    private var answeredSinceDry = false
    private var buffer: DeliveryCommit
    private var consecutiveUnreachable = 0
    /// Until the endpoint answers, one request at a time.
    private var probing = true
    private var waitedSince: Date?
    /// A `.shutdown` came in.
    private var shuttingDown = false
    public private(set) var summary = FlushSummary()

    /// `random` is in [0, 1) (retry jitter).
    public init(settings: Settings, random: @escaping @Sendable () -> Double, now: Date) {
        self.settings = settings
        self.random = random
        self.buffer = DeliveryCommit(releasedAt: now, window: settings.window)
    }

    /// The first actions of a flush.
    public mutating func start(now: Date) -> [Action] { advance(now) }

    /// Events claimed and not yet given to a commit (unsent or in flight): what must be released if the flush
    /// fails.
    public var heldEventIDs: [String] {
        (unsent + inFlight.sorted { $0.key < $1.key }.map(\.value)).flatMap(\.batch.eventIDs)
    }

    /// Requests in flight now.
    public var requestsInFlight: Int { inFlight.count }

    /// Applies one event; returns the actions to execute, in order.
    public mutating func handle(_ event: Event) -> [Action] {
        guard phase != .stopped else { return [] }
        switch event {
        case .claimed(let rows, let now):
            claimOutstanding = false
            guard phase == .running else {
                release(rows.map(\.eventID), now: now)
                return advance(now)
            }
            guard !rows.isEmpty else {
                claimDry = true
                answeredSinceDry = false
                return advance(now)
            }
            waitedSince = nil
            let leaseEnd = rows.compactMap(\.leaseExpiresAt).min() ?? now.addingTimeInterval(settings.leaseSeconds)
            for row in rows { attempts[row.eventID] = row.attempts }
            let batches = settings.batcher.batches(rows.map { BatchItem(eventID: $0.eventID, body: $0.body) })
            unsent += batches.map { Held(batch: $0, leaseEnd: leaseEnd) }
            return advance(now)
        case .answered(let token, let answer, let startedAt, let now):
            guard let held = inFlight.removeValue(forKey: token) else { return advance(now) }
            if shuttingDown, !answer.isHTTP {
                // Abandoned by the shutdown (cancelled, or no answer in time): given back untouched.
                release(held.batch.eventIDs, now: now)
                return advance(now)
            }
            answered(held, answer, startedAt: startedAt, now: now)
            return advance(now)
        case .committed(let now):
            commitOutstanding = false
            return advance(now)
        case .backlog(let backlog, let now):
            backlogOutstanding = false
            return afterBacklog(backlog, now: now)
        case .woke(let now):
            if phase == .waiting {
                phase = .running
                claimDry = false
            }
            return advance(now)
        case .shutdown(let now):
            shuttingDown = true
            if phase != .draining {
                releaseUnsent(now: now)
                phase = .draining
            }
            return advance(now)
        }
    }

    private mutating func answered(_ held: Held, _ answer: DeliveryAnswer, startedAt: Date, now: Date) {
        let batch = held.batch
        summary.attempts += 1
        answeredSinceDry = true
        let decision = DeliveryDecision.decide(
            answer: answer,
            events: batch.items.map { DeliveryDecision.Event(id: $0.eventID, attempts: attempts[$0.eventID] ?? 0) },
            schedule: settings.schedule, now: now, random: random)
        var nextRetry: Date?
        for outcome in decision.outcomes {
            attempts[outcome.eventID] = nil
            switch outcome {
            case .delivered: summary.delivered += 1
            case .dead: summary.dead += 1
            case .retry(_, let at, _, _):
                summary.retried += 1
                nextRetry = min(nextRetry ?? at, at)
            case .release: summary.released += 1
            }
        }
        var statusCode: Int?
        if case .http(let status, _, _, _) = answer { statusCode = status }
        let log = DeliveryAttemptLog(
            batchID: batch.id, endpoint: settings.endpoint, startedAt: startedAt,
            latencyMs: max(0, now.timeIntervalSince(startedAt)) * 1000, eventIDs: batch.eventIDs,
            byteCount: batch.body.count, statusCode: statusCode, error: decision.error,
            outcome: decision.label.rawValue, nextRetryAt: nextRetry)
        buffer.attempts.append(
            AttemptCompletion(outcomes: decision.outcomes, now: now, log: log, verdict: decision.endpoint))
        if decision.followUp != .none, let (left, right) = batch.halves() {
            // 413 split / 400-422 bisection: the halves go next, under the same claim.
            let halves = [Held(batch: left, leaseEnd: held.leaseEnd), Held(batch: right, leaseEnd: held.leaseEnd)]
            if phase == .running {
                unsent.insert(contentsOf: halves, at: 0)
            } else {
                release(halves.flatMap(\.batch.eventIDs), now: now)
            }
        }
        switch decision.endpoint {
        case .paused(let reason):
            summary.paused = reason
            releaseUnsent(now: now)
            phase = .draining
        case .unreachable(let reason):
            probing = true
            releaseUnsent(now: now)
            if phase == .running {
                consecutiveUnreachable += 1
                phase = .cooling(reason: reason)
            }
        case .healthy, .failing:
            consecutiveUnreachable = 0
            probing = false
        }
    }

    private mutating func afterBacklog(_ backlog: DeliveryBacklog, now: Date) -> [Action] {
        guard phase == .running else { return advance(now) }
        if backlog.isEmpty { return stop() }
        let start = waitedSince ?? now
        waitedSince = start
        if let limit = settings.maxRetryWait, now.timeIntervalSince(start) > limit { return stop() }
        var wait = 0.05
        if backlog.pending > 0, let next = backlog.nextAttemptAt { wait = next.timeIntervalSince(now) }
        phase = .waiting
        return [.wait(until: now.addingTimeInterval(min(max(wait, 0.002), 1.0)))]
    }

    /// Gives claims back in the next commit (which starts at once).
    private mutating func release(_ ids: [String], now: Date) {
        guard !ids.isEmpty else { return }
        for id in ids { attempts[id] = nil }
        buffer.releases += ids
        buffer.releasedAt = now
        summary.released += ids.count
    }

    private mutating func releaseUnsent(now: Date) {
        release(unsent.flatMap(\.batch.eventIDs), now: now)
        unsent = []
    }

    private mutating func claim() -> Action {
        claimOutstanding = true
        return .claim(limit: settings.claimLimit, maxBytes: settings.claimMaxBytes, leaseSeconds: settings.leaseSeconds)
    }

    private mutating func stop() -> [Action] {
        phase = .stopped
        return [.stop(summary)]
    }

    /// Requests allowed in flight now: 1 while probing, else the window.
    public var currentWindow: Int { probing ? 1 : settings.window }

    private var idle: Bool {
        inFlight.isEmpty && unsent.isEmpty && !claimOutstanding && !commitOutstanding && !backlogOutstanding
            && buffer.isEmpty
    }

    /// Everything that follows from the current state.
    private mutating func advance(_ now: Date) -> [Action] {
        var actions: [Action] = []
        if phase == .running {
            // Lease budget: a request must end before its claim's lease does.
            let latestStart = now.addingTimeInterval(settings.requestTimeout + 1)
            let expiring = unsent.filter { latestStart > $0.leaseEnd }
            if !expiring.isEmpty {
                unsent.removeAll { latestStart > $0.leaseEnd }
                release(expiring.flatMap(\.batch.eventIDs), now: now)
            }
            while inFlight.count < currentWindow, !unsent.isEmpty {
                let held = unsent.removeFirst()
                nextToken += 1
                inFlight[nextToken] = held
                actions.append(.send(token: nextToken, held.batch))
            }
            if !claimOutstanding, !claimDry, unsent.count < settings.window {
                actions.append(claim())
            }
        }
        if !commitOutstanding, !buffer.isEmpty {
            commitOutstanding = true
            actions.append(.commit(buffer))
            buffer = DeliveryCommit(releasedAt: now, window: settings.window)
        }
        guard idle else { return actions }
        switch phase {
        case .running:
            guard claimDry else { break }
            if answeredSinceDry {
                claimDry = false
                actions.append(claim())
            } else if settings.untilEmpty {
                backlogOutstanding = true
                actions.append(.checkBacklog)
            } else {
                actions += stop()
            }
        case .cooling(let reason):
            if consecutiveUnreachable >= settings.maxConsecutiveUnreachable {
                summary.unreachable = true
                summary.unreachableReason = reason
                actions += stop()
            } else {
                phase = .waiting
                actions.append(.wait(until: now.addingTimeInterval(settings.unreachablePause)))
            }
        case .draining:
            actions += stop()
        case .waiting, .stopped:
            break
        }
        return actions
    }
}
