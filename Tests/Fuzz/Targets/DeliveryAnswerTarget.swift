import DossierCore
import Foundation

extension FuzzTarget {
    /// The sender's reading of an answer. Input: status line, `Retry-After` line (empty: absent), then the body.
    public static let deliveryAnswer = FuzzTarget(
        name: "delivery-answer", summary: "sender answer parsing: status, Retry-After, results body"
    ) { data in
        let f = FuzzInput.fields(data, 3)
        let status = Int(FuzzInput.text(f[0]).trimmingCharacters(in: .whitespaces)) ?? 200
        let retryAfter = f[1].isEmpty ? nil : FuzzInput.text(f[1])
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        if let retryAfter, let seconds = RetryAfter.seconds(retryAfter, now: now) {
            FuzzTarget.check(!seconds.isNaN && seconds >= 0, "Retry-After gave \(seconds)")
        }
        let events = [
            DeliveryDecision.Event(id: "e1", attempts: 0), DeliveryDecision.Event(id: "e2", attempts: 3),
            DeliveryDecision.Event(id: "e3", attempts: 7),
        ]
        for code in [status, 200, 400, 422, 429, 503] {
            for batch in [events, Array(events.prefix(1))] {
                let decision = DeliveryDecision.decide(
                    answer: .http(status: code, body: f[2], retryAfter: retryAfter, location: retryAfter),
                    events: batch, schedule: .standard, now: now, random: { 0.5 })
                if decision.followUp == .none {
                    FuzzTarget.check(
                        decision.outcomes.map(\.eventID) == batch.map(\.id), "outcomes do not match the batch")
                } else {
                    FuzzTarget.check(decision.outcomes.isEmpty && batch.count > 1, "a follow-up with outcomes")
                }
                for outcome in decision.outcomes {
                    if case .retry(_, let at, _, _) = outcome {
                        FuzzTarget.check(at >= now && at.timeIntervalSince(now).isFinite, "retry at \(at)")
                    }
                }
                FuzzChecks.printable(decision.error ?? "", "decision error")
            }
        }
    }
}
