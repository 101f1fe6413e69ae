import Foundation
import Testing

@testable import DossierCore

@Suite struct AnswerDecisionTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let schedule = RetrySchedule(delays: [10, 100], jitter: 0, retryAfterCap: 50)
    let events = [
        DeliveryDecision.Event(id: "a", attempts: 0), DeliveryDecision.Event(id: "b", attempts: 1),
        DeliveryDecision.Event(id: "c", attempts: 2),
    ]

    func decide(_ answer: DeliveryAnswer, _ evs: [DeliveryDecision.Event]? = nil) -> DeliveryDecision {
        DeliveryDecision.decide(answer: answer, events: evs ?? events, schedule: schedule, now: now, random: { 0.5 })
    }

    func json(_ s: String) -> Data { Data(s.utf8) }

    @Test func twoHundredWithoutResultsDeliversAll() {
        for body in ["", "{}", "OK", "{not json", #"{"ok":true}"#] {
            let d = decide(.http(status: 200, body: json(body)))
            #expect(d.outcomes == [.delivered("a"), .delivered("b"), .delivered("c")])
            #expect(d.endpoint == .healthy && d.followUp == .none && d.label == .delivered)
        }
        #expect(decide(.http(status: 204, body: Data())).label == .delivered)
    }

    @Test func perEventResultsAreApplied() {
        let body =
            #"{"results":[{"event_id":"a","status":"accepted"},{"event_id":"b","status":"duplicate"},"#
            + #"{"event_id":"c","status":"rejected","reason":"bad hash"}]}"#
        let d = decide(.http(status: 200, body: json(body)))
        #expect(
            d.outcomes == [.delivered("a"), .delivered("b"), .dead("c", reason: "rejected by the endpoint: bad hash")])
        #expect(d.label == .partial && d.endpoint == .healthy)
    }

    @Test func malformedResultsRetryTheEventsLeftOutAndIgnoreUnknownIDs() {
        let body =
            #"{"results":[{"event_id":"a","status":"accepted"},{"event_id":"zzz","status":"accepted"},"#
            + #"{"event_id":"b","status":"maybe"},42]}"#
        let d = decide(.http(status: 200, body: json(body)))
        #expect(d.outcomes[0] == .delivered("a"))
        guard case .retry("b", let at, _, true) = d.outcomes[1] else {
            Issue.record("b should retry")
            return
        }
        #expect(at == now.addingTimeInterval(100))
        // c has consumed 2 attempts; a third exhausts the 3 the schedule allows.
        guard case .dead("c", let reason) = d.outcomes[2] else {
            Issue.record("c should be dead")
            return
        }
        #expect(reason.contains("attempts exhausted"))
        #expect(d.error?.contains("unknown event ids") == true && d.error?.contains("malformed result entries") == true)
        let notArray = decide(.http(status: 200, body: json(#"{"results":"yes"}"#)))
        #expect(
            notArray.label == .retry
                && notArray.outcomes.allSatisfy {
                    if case .retry = $0 { true } else if case .dead = $0 { true } else { false }
                })
    }

    @Test func transientAnswersRetryAndConsumeAttempts() {
        for status in [408, 429, 500, 502, 503, 599] {
            let d = decide(.http(status: status, body: json("oops")))
            #expect(
                d.outcomes[0]
                    == .retry("a", at: now.addingTimeInterval(10), error: "HTTP \(status): oops", consumeAttempt: true))
            #expect(
                d.outcomes[1]
                    == .retry("b", at: now.addingTimeInterval(100), error: "HTTP \(status): oops", consumeAttempt: true)
            )
            if case .dead = d.outcomes[2] {} else { Issue.record("c should be dead at status \(status)") }
            #expect(d.endpoint == .failing("HTTP \(status): oops"))
        }
    }

    @Test func retryAfterIsHonouredWithACap() {
        let d = decide(.http(status: 429, body: Data(), retryAfter: "20"), [.init(id: "a", attempts: 0)])
        #expect(d.outcomes == [.retry("a", at: now.addingTimeInterval(20), error: "HTTP 429", consumeAttempt: true)])
        let capped = decide(.http(status: 503, body: Data(), retryAfter: "86400"), [.init(id: "a", attempts: 0)])
        #expect(
            capped.outcomes == [.retry("a", at: now.addingTimeInterval(50), error: "HTTP 503", consumeAttempt: true)])
    }

    @Test func noAnswerNeverConsumesAttemptsOrKills() {
        for answer in [DeliveryAnswer.timeout("timed out after 10 s"), .connectionFailed("connection refused")] {
            let d = decide(answer)
            #expect(d.outcomes.allSatisfy { if case .retry(_, _, _, false) = $0 { true } else { false } })
            if case .unreachable = d.endpoint {} else { Issue.record("expected unreachable") }
        }
    }

    @Test func authAndConfigurationAnswersPauseWithoutConsuming() {
        for status in [401, 403, 404, 410, 301, 302, 307, 405] {
            let d = decide(.http(status: status, body: Data(), location: "https://elsewhere"))
            #expect(d.outcomes == [.release("a"), .release("b"), .release("c")])
            guard case .paused(let reason) = d.endpoint else {
                Issue.record("\(status) should pause")
                continue
            }
            #expect(reason.contains("HTTP \(status)"))
        }
        #expect(
            decide(.http(status: 302, body: Data(), location: "https://x/y")).endpoint.reason?.contains("https://x/y")
                == true)
    }

    @Test func tooLargeSplitsAndABadRequestBisects() {
        #expect(decide(.http(status: 413, body: Data())).followUp == .split)
        #expect(decide(.http(status: 400, body: json("bad"))).followUp == .bisect)
        #expect(decide(.http(status: 422, body: json("{}"))).followUp == .bisect)
        let single = [DeliveryDecision.Event(id: "x", attempts: 0)]
        #expect(decide(.http(status: 413, body: Data()), single).outcomes.map(\.eventID) == ["x"])
        guard case .dead("x", let reason) = decide(.http(status: 422, body: json("bad type")), single).outcomes[0]
        else {
            Issue.record("single 422 should kill")
            return
        }
        #expect(reason.contains("422") && reason.contains("bad type"))
        // 422 with per-event results applies them instead of bisecting.
        let withResults = decide(
            .http(
                status: 422,
                body: json(
                    #"{"results":[{"event_id":"a","status":"rejected","reason":"r"},{"event_id":"b","status":"accepted"},{"event_id":"c","status":"accepted"}]}"#
                )))
        #expect(withResults.followUp == .none)
        #expect(
            withResults.outcomes == [
                .dead("a", reason: "rejected by the endpoint: r"), .delivered("b"), .delivered("c"),
            ])
    }
}
