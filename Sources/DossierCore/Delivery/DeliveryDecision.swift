import Foundation

/// What came back from one delivery attempt, reduced to what the decision needs.
public enum DeliveryAnswer: Sendable, Equatable {
    /// The server answered. `retryAfter` and `location` are the raw header values, if any.
    case http(status: Int, body: Data, retryAfter: String? = nil, location: String? = nil)
    /// No answer within the timeout.
    case timeout(String)
    /// No connection, or it broke before an answer (refused, reset, DNS, TLS).
    case connectionFailed(String)

    /// True for an answer from the server (any status), false for a timeout or a failed connection.
    public var isHTTP: Bool {
        if case .http = self { true } else { false }
    }
}

/// A further step the worker takes with the same events inside the same flush.
public enum DeliveryFollowUp: Sendable, Equatable {
    case none
    /// 413: send the two halves separately.
    case split
    /// 400/422 without per-event results: send the halves to isolate the poison event(s).
    case bisect
}

/// The `delivery_attempts.outcome` label of one attempt (its raw value is what the attempt log stores and shows).
public enum AttemptOutcome: String, Sendable, Equatable {
    case delivered, partial, retry, split, bisect, paused, unreachable, dead
}

/// The answer-to-transition rules of docs/architecture.md, as a pure function of the answer, the events' attempt
/// counts, the schedule, the clock and a random number.
public struct DeliveryDecision: Sendable, Equatable {
    /// One per event of the batch, unless `followUp` is not `.none` (then the halves are resent).
    public var outcomes: [DeliveryOutcome]
    public var followUp: DeliveryFollowUp
    public var endpoint: EndpointVerdict
    /// The `delivery_attempts.outcome` label.
    public var label: AttemptOutcome
    /// A one-line explanation for the attempt log (nil when everything was accepted).
    public var error: String?

    /// One event of the batch: its id and the attempts it has already consumed.
    public struct Event: Sendable, Equatable {
        public var id: String
        public var attempts: Int
        public init(id: String, attempts: Int) {
            self.id = id
            self.attempts = attempts
        }
    }

    /// Decides what an answer means for every event of the batch.
    public static func decide(
        answer: DeliveryAnswer, events: [Event], schedule: RetrySchedule, now: Date, random: () -> Double
    ) -> DeliveryDecision {
        switch answer {
        case .timeout(let message), .connectionFailed(let message):
            let reason = message
            return DeliveryDecision(
                outcomes: events.map { .retry($0.id, at: now, error: reason, consumeAttempt: false) },
                followUp: .none, endpoint: .unreachable(reason), label: .unreachable, error: reason)
        case .http(let status, let body, let retryAfterHeader, let location):
            // Only failures quote the body: a 2xx answer (the common case) never pays for the snippet.
            var snippet: String { bodySnippet(body) }
            switch status {
            case 200..<300:
                return decideResults(
                    status: status, body: body, events: events, schedule: schedule, now: now, random: random,
                    missingResultsMeansAccepted: true)
            case 300..<400:
                let reason =
                    "HTTP \(status) redirect" + (location.map { " to \(TerminalText.escape($0, limit: 200))" } ?? "")
                    + " not followed: fix the endpoint URL"
                return paused(events, reason)
            case 401, 403:
                return paused(
                    events, "HTTP \(status): the endpoint refused our signature or credentials; check the secret")
            case 404, 410:
                return paused(events, "HTTP \(status): no webhook endpoint at this URL; check the endpoint")
            case 413:
                if events.count > 1 {
                    return DeliveryDecision(
                        outcomes: [], followUp: .split, endpoint: .healthy, label: .split,
                        error: "HTTP 413: batch too large, splitting")
                }
                let reason = "HTTP 413: the event alone is too large for the endpoint" + snippet
                return DeliveryDecision(
                    outcomes: events.map { .dead($0.id, reason: reason) }, followUp: .none, endpoint: .healthy,
                    label: .dead, error: reason)
            case 400, 422:
                if hasResults(body) {
                    return decideResults(
                        status: status, body: body, events: events, schedule: schedule, now: now, random: random,
                        missingResultsMeansAccepted: false)
                }
                if events.count > 1 {
                    return DeliveryDecision(
                        outcomes: [], followUp: .bisect, endpoint: .healthy, label: .bisect,
                        error: "HTTP \(status) without per-event results: bisecting to isolate the rejected event"
                            + snippet)
                }
                let reason = "rejected by the endpoint: HTTP \(status)" + snippet
                return DeliveryDecision(
                    outcomes: events.map { .dead($0.id, reason: reason) }, followUp: .none, endpoint: .healthy,
                    label: .dead, error: reason)
            case 408, 429, 500..<600:
                let retryAfter = retryAfterHeader.flatMap { RetryAfter.seconds($0, now: now) }
                let reason = "HTTP \(status)" + snippet
                let outcomes = events.map { failed($0, error: reason, retryAfter: retryAfter, schedule, now, random) }
                return DeliveryDecision(
                    outcomes: outcomes, followUp: .none, endpoint: .failing(reason), label: .retry, error: reason)
            default:
                return paused(events, "HTTP \(status): unexpected answer; check the endpoint configuration" + snippet)
            }
        }
    }

    static func paused(_ events: [Event], _ reason: String) -> DeliveryDecision {
        DeliveryDecision(
            outcomes: events.map { .release($0.id) }, followUp: .none, endpoint: .paused(reason), label: .paused,
            error: reason)
    }

    /// A failed answer for one event: retry after the schedule's delay, or dead when attempts run out. The one
    /// "attempts exhausted" rule of the delivery engine (the queue applies it, never re-decides it).
    static func failed(
        _ event: Event, error: String, retryAfter: Double?, _ schedule: RetrySchedule, _ now: Date,
        _ random: () -> Double
    ) -> DeliveryOutcome {
        let consumed = event.attempts + 1
        guard let delay = schedule.delay(afterFailedAttempts: consumed, retryAfter: retryAfter, random: random()) else {
            return .dead(
                event.id, reason: "attempts exhausted (\(consumed) of \(schedule.maxAttempts)); last: \(error)")
        }
        return .retry(event.id, at: now.addingTimeInterval(delay), error: error, consumeAttempt: true)
    }

    static func hasResults(_ body: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return object["results"] != nil
    }

    /// Applies `{"results":[…]}`. Without a `results` key: all accepted if `missingResultsMeansAccepted`.
    /// A `results` that is not an array, an entry with an unknown status, or an event the results leave
    /// out: that event retries (the answer counts as an attempt). Unknown event ids are ignored and noted.
    static func decideResults(
        status: Int, body: Data, events: [Event], schedule: RetrySchedule, now: Date, random: () -> Double,
        missingResultsMeansAccepted: Bool
    ) -> DeliveryDecision {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        guard let object, let rawResults = object["results"] else {
            return DeliveryDecision(
                outcomes: events.map { .delivered($0.id) }, followUp: .none, endpoint: .healthy, label: .delivered,
                error: nil)
        }
        guard let entries = rawResults as? [Any] else {
            let reason = "HTTP \(status): malformed answer: 'results' is not an array"
            let outcomes = events.map { failed($0, error: reason, retryAfter: nil, schedule, now, random) }
            return DeliveryDecision(
                outcomes: outcomes, followUp: .none, endpoint: .failing(reason), label: .retry, error: reason)
        }
        var verdicts: [String: (status: String, reason: String?)] = [:]
        var malformedEntries = 0
        for entry in entries {
            guard let entry = entry as? [String: Any], let id = entry["event_id"] as? String,
                let state = entry["status"] as? String
            else {
                malformedEntries += 1
                continue
            }
            verdicts[id] = (state, entry["reason"] as? String)
        }
        let known = Set(events.map(\.id))
        let unknownIDs = verdicts.keys.filter { !known.contains($0) }.count
        var outcomes: [DeliveryOutcome] = []
        var problems: [String] = []
        var delivered = 0
        var rejected = 0
        var retried = 0
        for event in events {
            switch verdicts[event.id] {
            case ("accepted", _)?, ("duplicate", _)?:
                outcomes.append(.delivered(event.id))
                delivered += 1
            case ("rejected", let reason)?:
                let shown = reason.map { TerminalText.escape($0, limit: 500) } ?? "no reason given"
                outcomes.append(.dead(event.id, reason: "rejected by the endpoint: " + shown))
                rejected += 1
            case (let other, _)?:
                let reason =
                    "HTTP \(status): malformed answer: unknown status '\(TerminalText.escape(other, limit: 40))' "
                    + "for this event"
                outcomes.append(failed(event, error: reason, retryAfter: nil, schedule, now, random))
                retried += 1
            case nil:
                let reason = "HTTP \(status): the answer's results leave this event out"
                outcomes.append(failed(event, error: reason, retryAfter: nil, schedule, now, random))
                retried += 1
            }
        }
        if rejected > 0 { problems.append("\(rejected) rejected") }
        if retried > 0 { problems.append("\(retried) missing or malformed in the results") }
        if malformedEntries > 0 { problems.append("\(malformedEntries) malformed result entries ignored") }
        if unknownIDs > 0 { problems.append("\(unknownIDs) unknown event ids in the results ignored") }
        let label: AttemptOutcome =
            (rejected == 0 && retried == 0) ? .delivered : (delivered == 0 && rejected == 0 ? .retry : .partial)
        let endpoint: EndpointVerdict =
            retried > 0 ? .failing("HTTP \(status): incomplete or malformed per-event results") : .healthy
        return DeliveryDecision(
            outcomes: outcomes, followUp: .none, endpoint: endpoint, label: label,
            error: problems.isEmpty ? nil : "HTTP \(status): " + problems.joined(separator: ", "))
    }

    /// `: <first 200 printable characters of the body>` or the empty string.
    static func bodySnippet(_ body: Data) -> String {
        guard !body.isEmpty else { return "" }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .map { c in
                c.isNewline || c.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }
                    ? " " : String(c)
            }.joined()
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "" : ": " + text
    }
}
