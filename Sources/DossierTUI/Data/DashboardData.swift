import DossierCore
import Foundation

/// Everything the dashboard shows, as one immutable value: the data source publishes it, the
/// UI loop copies it out each tick and renders it with the UI state. No references, no I/O.
public struct DashboardData: Sendable, Equatable {
    /// Bumped by every change to any field: lets the UI reuse work (rows, frames) while it is unchanged.
    public private(set) var revision = 0
    /// Bumped by every change to `features` or `drift` (a scan's results): the rows built from them (Features,
    /// Artifacts, Drift: ~11,000 on a 412-feature repository) are kept while events, queue counts or activity change.
    public private(set) var featuresRevision = 0
    /// The dossiers known to the dashboard (one per scanned feature), in scan order.
    public var features: [FeatureSummary] {
        didSet {
            revision &+= 1
            featuresRevision &+= 1
        }
    }
    /// Events held in memory, newest first, for data sources without paging (tests, small fixtures): the
    /// Events and Queue panes list them when `pages` has no window for the pane.
    public var events: [EventRow] { didSet { revision &+= 1 } }
    /// The loaded slice of each paged pane's whole list (Events, Queue), answering the UI's `PageRequest`s.
    public var pages: [Pane: EventWindow] = [:] { didSet { revision &+= 1 } }
    public var queue: QueueSummary { didSet { revision &+= 1 } }
    /// Recent delivery attempts, newest first.
    public var deliveries: [AttemptRow] { didSet { revision &+= 1 } }
    /// One entry per feature that has a baseline and differs from it.
    public var drift: [DriftReport] {
        didSet {
            revision &+= 1
            featuresRevision &+= 1
        }
    }
    public var endpoint: EndpointState { didSet { revision &+= 1 } }
    /// What runs in the background right now (scan, flush, retry), with progress.
    public var activity: Activity? { didSet { revision &+= 1 } }
    /// An event by id from the loaded windows or the in-memory list (nil when not loaded).
    public func event(id: String) -> EventRow? {
        for window in pages.values { if let e = window.rows.first(where: { $0.id == id }) { return e } }
        return events.first { $0.id == id }
    }

    /// The last outcome or error of a command, shown in the status bar (e.g. "scan: 14 events queued").
    public var message: Message? { didSet { revision &+= 1 } }
    /// Where the dashboard looks (repository or demo folder), for the header.
    public var source: String { didSet { revision &+= 1 } }
    /// Entries directly under `kitty-specs/` the last scan did not treat as features (hidden, files, unreadable).
    public var skipped = 0 { didSet { revision &+= 1 } }

    public init(
        features: [FeatureSummary] = [], events: [EventRow] = [], queue: QueueSummary = QueueSummary(),
        deliveries: [AttemptRow] = [], drift: [DriftReport] = [], endpoint: EndpointState = .unconfigured,
        activity: Activity? = nil, message: Message? = nil, source: String = ""
    ) {
        self.features = features
        self.events = events
        self.queue = queue
        self.deliveries = deliveries
        self.drift = drift
        self.endpoint = endpoint
        self.activity = activity
        self.message = message
        self.source = source
    }
}

/// One scanned feature: its snapshot plus the artifacts and anomalies of the dossier.
public struct FeatureSummary: Sendable, Equatable {
    public var snapshot: Snapshot
    public var artifacts: [Artifact]
    public var anomalies: [Anomaly]
    /// The accepted baseline drift is measured against; nil: none accepted yet (`b` accepts one).
    public var baseline: Baseline?

    public init(snapshot: Snapshot, artifacts: [Artifact], anomalies: [Anomaly], baseline: Baseline? = nil) {
        self.snapshot = snapshot
        self.artifacts = artifacts
        self.anomalies = anomalies
        self.baseline = baseline
    }
}

extension QueueState {
    /// Short label that carries the meaning without color.
    public var label: String {
        switch self {
        case .pending: "pending"
        case .inFlight: "sending"
        case .delivered: "sent ✓"
        case .dead: "DEAD ✗"
        }
    }
}

/// One event of the queue, as shown in the Events and Queue panes.
public struct EventRow: Sendable, Equatable, Identifiable {
    public var id: String
    public var eventType: String
    /// The artifact key, or the feature slug for snapshot/drift events.
    public var key: String
    public var featureSlug: String
    /// RFC 3339 UTC timestamp of the envelope.
    public var timestamp: String
    public var state: QueueState
    public var attempts: Int
    public var nextAttemptAt: Date?
    /// Why the event is dead or last failed, if known.
    public var lastError: String?
    /// The stored envelope (the exact bytes sent), pretty-printed for the detail view.
    public var envelopeJSON: String
    /// The queue's order (`seq`): the listing key of paged panes.
    public var seq: Int64

    public init(
        id: String, eventType: String, key: String, featureSlug: String, timestamp: String, state: QueueState,
        attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil, envelopeJSON: String,
        seq: Int64 = 0
    ) {
        self.seq = seq
        self.id = id
        self.eventType = eventType
        self.key = key
        self.featureSlug = featureSlug
        self.timestamp = timestamp
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.envelopeJSON = envelopeJSON
    }

    /// `mission_dossier_artifact_indexed` → `indexed`.
    public var shortType: String {
        let prefix = "mission_dossier_"
        var t = eventType.hasPrefix(prefix) ? String(eventType.dropFirst(prefix.count)) : eventType
        if t.hasPrefix("artifact_") { t = String(t.dropFirst("artifact_".count)) }
        if t == "parity_drift_detected" { t = "drift" }
        if t == "snapshot_computed" { t = "snapshot" }
        return t
    }
}

/// Queue depth and timing.
public struct QueueSummary: Sendable, Equatable {
    public var pending: Int
    public var inFlight: Int
    public var delivered: Int
    public var dead: Int
    public var oldestPendingAt: Date?
    /// The queue's earliest pending attempt.
    public var nextRetryAt: Date?
    /// No delivery is tried before then: the dashboard backs off an endpoint its flushes gave up on.
    public var notBefore: Date?
    /// When the next delivery try happens, as the Queue pane shows it: the earliest attempt, or the back-off's
    /// end when that is later.
    public var nextTryAt: Date? {
        nextRetryAt.map { next in notBefore.map { max($0, next) } ?? next }
    }
    /// The queue cap (refuses new events beyond it) and how many events were refused so far.
    public var capacity: Int?
    public var refused: Int
    /// Events delivered per interval, oldest first (the throughput sparkline).
    public var throughput: [Int]
    /// Seconds per throughput sample.
    public var throughputInterval: Int

    public init(
        pending: Int = 0, inFlight: Int = 0, delivered: Int = 0, dead: Int = 0, oldestPendingAt: Date? = nil,
        nextRetryAt: Date? = nil, notBefore: Date? = nil, capacity: Int? = nil, refused: Int = 0,
        throughput: [Int] = [], throughputInterval: Int = 1
    ) {
        self.pending = pending
        self.inFlight = inFlight
        self.delivered = delivered
        self.dead = dead
        self.oldestPendingAt = oldestPendingAt
        self.nextRetryAt = nextRetryAt
        self.notBefore = notBefore
        self.capacity = capacity
        self.refused = refused
        self.throughput = throughput
        self.throughputInterval = throughputInterval
    }

    public var total: Int { pending + inFlight + delivered + dead }
}

/// One delivery attempt (one HTTP request for one batch).
public struct AttemptRow: Sendable, Equatable, Identifiable {
    public var id: String
    public var batchID: String
    public var startedAt: Date
    public var eventIDs: [String]
    /// HTTP status, nil when no answer came (connection error, timeout).
    public var statusCode: Int?
    public var error: String?
    public var latencyMs: Int?
    /// When the batch's events will be tried again, if they were not delivered.
    public var nextRetryAt: Date?
    /// What the attempt led to, e.g. "delivered 100", "retry", "3 rejected", "endpoint paused".
    public var outcome: String

    public init(
        id: String, batchID: String, startedAt: Date, eventIDs: [String], statusCode: Int?, error: String?,
        latencyMs: Int?, nextRetryAt: Date?, outcome: String
    ) {
        self.id = id
        self.batchID = batchID
        self.startedAt = startedAt
        self.eventIDs = eventIDs
        self.statusCode = statusCode
        self.error = error
        self.latencyMs = latencyMs
        self.nextRetryAt = nextRetryAt
        self.outcome = outcome
    }

    /// True for a 2xx answer.
    public var succeeded: Bool { statusCode.map { (200..<300).contains($0) } ?? false }
}

/// Whether events are leaving, and if not, why (shown in the header), named by what happens next.
public enum EndpointState: Sendable, Equatable {
    /// No webhook URL configured: events stay queued.
    case unconfigured
    /// Nothing due; the endpoint is reachable as far as we know.
    case idle(endpoint: String)
    /// A batch is being sent now.
    case delivering(endpoint: String)
    /// The endpoint answered with a server error (5xx, 429, 408): events back off and are sent again at `next`.
    case retrying(endpoint: String, reason: String, next: Date?)
    /// Delivery paused by an answer that needs a human (401/403/404/410, redirect, unexpected status).
    case paused(endpoint: String, reason: String)
    /// No answer (connection refused, timeout) since `since`; events wait; the dashboard tries again at `next`.
    case offline(endpoint: String, reason: String, since: Date?, next: Date? = nil)

    /// Text label (never color alone): `retrying (HTTP 500), next attempt 14:03:12 → …`,
    /// `paused: 401 check the secret → …`, `unreachable since 14:01:07 (connection refused), next try 14:02:11 → …`.
    public var label: String { summary + (endpoint.map { " → " + $0 } ?? "") }

    /// What happens, without the endpoint: `retrying (HTTP 500), next attempt 14:03:12`.
    public var summary: String {
        switch self {
        case .unconfigured: "no endpoint (events stay queued)"
        case .idle: "idle"
        case .delivering: "delivering"
        case .retrying(_, let reason, let next):
            "retrying (\(Self.shortReason(reason)))" + (next.map { ", next attempt " + Format.clock($0) } ?? "")
        case .paused(_, let reason): "paused: \(Self.pauseHint(reason))"
        case .offline(_, let reason, let since, let next):
            "unreachable" + (since.map { " since " + Format.clock($0) } ?? "") + " (\(reason))"
                + (next.map { ", next try " + Format.clock($0) } ?? "")
        }
    }

    /// The endpoint events go to (nil: none configured).
    public var endpoint: String? {
        switch self {
        case .unconfigured: nil
        case .idle(let e), .delivering(let e), .retrying(let e, _, _), .paused(let e, _), .offline(let e, _, _, _): e
        }
    }

    /// `HTTP 500: <body>` → `HTTP 500`.
    static func shortReason(_ reason: String) -> String {
        String(reason.prefix { $0 != ":" })
    }

    /// What to do about a pause, from the recorded reason: `401 check the secret`, `404 check the endpoint URL`.
    static func pauseHint(_ reason: String) -> String {
        guard reason.hasPrefix("HTTP "), let code = Int(reason.dropFirst(5).prefix { $0.isNumber }) else {
            return reason
        }
        switch code {
        case 401, 403: return "\(code) check the secret"
        case 404, 410: return "\(code) check the endpoint URL"
        case 300..<400: return "\(code) redirect not followed: fix the endpoint URL"
        default:
            let rest = reason.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
            return rest.isEmpty ? "\(code)" : "\(code) \(rest)"
        }
    }
}

/// Background work in progress.
public struct Activity: Sendable, Equatable {
    public var title: String
    /// 0...1 when known.
    public var fraction: Double?
    public var detail: String

    public init(title: String, fraction: Double? = nil, detail: String = "") {
        self.title = title
        self.fraction = fraction
        self.detail = detail
    }
}

/// A line for the status bar: the outcome of the last command.
public struct Message: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    public var at: Date

    public init(text: String, isError: Bool = false, at: Date) {
        self.text = text
        self.isError = isError
        self.at = at
    }
}
