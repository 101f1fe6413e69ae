import DossierCore
import Foundation

/// Pure conversions from the queue's records to the dashboard's rows (unit-tested without SQLite).
public enum QueueViewMapping {
    /// What the Events pane needs from one envelope body, parsed once per event id and cached
    /// (the stored bytes never change).
    public struct ParsedBody: Sendable, Equatable {
        public var key: String
        public var timestamp: String
        public var pretty: String
    }

    /// Parses a stored envelope: the artifact key (or feature slug), its timestamp and a
    /// pretty-printed copy (sorted keys). Undecodable bytes are shown as they are, never dropped.
    public static func parse(body: Data, featureSlug: String) -> ParsedBody {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return ParsedBody(
                key: featureSlug, timestamp: "", pretty: String(decoding: body, as: UTF8.self) + "\n(not valid JSON)")
        }
        let payload = object["payload"] as? [String: Any] ?? [:]
        let key = (payload["artifact_key"] as? String) ?? (payload["feature_slug"] as? String) ?? featureSlug
        let pretty =
            (try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: body, as: UTF8.self)
        return ParsedBody(key: key, timestamp: object["timestamp"] as? String ?? "", pretty: pretty)
    }

    /// One queue row as an Events-pane row.
    public static func eventRow(_ e: QueuedEvent, parsed: ParsedBody) -> EventRow {
        EventRow(
            id: e.eventID, eventType: e.eventType, key: parsed.key, featureSlug: e.featureSlug,
            timestamp: parsed.timestamp.isEmpty ? EventTimestamp.string(from: e.enqueuedAt) : parsed.timestamp,
            state: e.state, attempts: e.attempts, nextAttemptAt: e.state == .pending ? e.nextAttemptAt : nil,
            lastError: e.lastError, envelopeJSON: parsed.pretty, seq: e.seq)
    }

    /// The queue summary: `s` was read at `statusTime` (its ages are relative to that), the
    /// throughput window ends at `now`. `notBefore`: no delivery is tried before then (the dashboard backs off
    /// an endpoint its flushes gave up on).
    public static func summary(
        _ s: QueueStatus, attempts: [DeliveryAttemptRecord], statusTime: Date, now: Date, notBefore: Date? = nil
    ) -> QueueSummary {
        QueueSummary(
            pending: s.counts[.pending] ?? 0, inFlight: s.counts[.inFlight] ?? 0, delivered: s.counts[.delivered] ?? 0,
            dead: s.counts[.dead] ?? 0, oldestPendingAt: s.oldestPendingAge.map { statusTime.addingTimeInterval(-$0) },
            nextRetryAt: s.nextAttemptAt, notBefore: notBefore, capacity: s.capacity, refused: s.refusedCount,
            throughput: throughput(attempts, now: now, buckets: 30, interval: 2), throughputInterval: 2)
    }

    /// Events accepted per `interval` seconds over the last `buckets` intervals, oldest first.
    public static func throughput(_ attempts: [DeliveryAttemptRecord], now: Date, buckets: Int, interval: Int) -> [Int]
    {
        var counts = Array(repeating: 0, count: buckets)
        for a in attempts where a.statusCode.map({ (200..<300).contains($0) }) ?? false {
            let age = now.timeIntervalSince(a.startedAt)
            guard age >= 0 else { continue }
            let bucket = buckets - 1 - Int(age) / max(1, interval)
            if bucket >= 0 && bucket < buckets { counts[bucket] += a.eventCount }
        }
        return counts
    }

    /// One attempt as a Deliveries-pane row.
    public static func attemptRow(_ a: DeliveryAttemptRecord) -> AttemptRow {
        AttemptRow(
            id: "\(a.id)", batchID: a.batchID, startedAt: a.startedAt, eventIDs: a.eventIDs, statusCode: a.statusCode,
            error: a.error, latencyMs: a.latencyMs.map { Int($0.rounded()) }, nextRetryAt: a.nextRetryAt,
            outcome: a.outcome)
    }

    /// The header's endpoint state: `flushing` = a delivery runs in this process; otherwise what the delivery
    /// engine recorded for `endpoint` (`active`, `failing`, `paused`, `unreachable`). `nextAttempt` is the
    /// queue's earliest pending attempt; `attempts` (newest first) date an outage from its first unanswered one;
    /// `nextTry` is when the dashboard next tries an unreachable endpoint on its own (shown only while events wait).
    public static func endpointState(
        endpoint: String?, recorded: [EndpointStatus], flushing: Bool, pending: Int, nextAttempt: Date? = nil,
        attempts: [DeliveryAttemptRecord] = [], nextTry: Date? = nil
    ) -> EndpointState {
        guard let endpoint, !endpoint.isEmpty else { return .unconfigured }
        let record = recorded.first { $0.endpoint == endpoint }
        switch record?.state {
        case "paused": return .paused(endpoint: endpoint, reason: record?.reason ?? "paused")
        case "unreachable":
            return .offline(
                endpoint: endpoint, reason: record?.reason ?? "no answer",
                since: outageStart(attempts.filter { $0.endpoint == endpoint }) ?? record?.updatedAt,
                next: flushing || pending == 0 ? nil : nextTry)
        case "failing" where !flushing:
            return .retrying(
                endpoint: endpoint, reason: record?.reason ?? "server error", next: pending > 0 ? nextAttempt : nil)
        default: return flushing ? .delivering(endpoint: endpoint) : .idle(endpoint: endpoint)
        }
    }

    /// When the current run of unanswered attempts began (attempts newest first); nil when the newest was answered.
    static func outageStart(_ attempts: [DeliveryAttemptRecord]) -> Date? {
        var since: Date?
        for a in attempts {
            guard a.statusCode == nil else { break }
            since = a.startedAt
        }
        return since
    }
}
