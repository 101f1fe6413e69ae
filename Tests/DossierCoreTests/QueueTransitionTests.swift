import DossierCore
import Foundation
import Testing

@Suite struct QueueTransitionTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)
    var pending: QueueRow { QueueRow(state: .pending, attempts: 0, nextAttemptAt: t0) }
    func leased(_ owner: String = "w1", attempts: Int = 0) -> QueueRow {
        QueueRow(
            state: .inFlight, attempts: attempts, nextAttemptAt: t0, leaseOwner: owner,
            leaseExpiresAt: t0.addingTimeInterval(30))
    }

    @Test func deliveredCountsAnAttempt() {
        let next = QueueTransitions.apply(.delivered("e"), to: leased(), owner: "w1", now: t0)
        #expect(next?.state == .delivered)
        #expect(next?.attempts == 1)
        #expect(next?.deliveredAt == t0)
        #expect(next?.leaseOwner == nil && next?.leaseExpiresAt == nil)
    }

    @Test func retryConsumesOnlyServerAnswers() {
        let at = t0.addingTimeInterval(300)
        let answered = QueueTransitions.apply(
            .retry("e", at: at, error: "HTTP 503", consumeAttempt: true), to: leased(), owner: "w1", now: t0)
        #expect(answered == QueueRow(state: .pending, attempts: 1, nextAttemptAt: at, lastError: "HTTP 503"))
        let unreachable = QueueTransitions.apply(
            .retry("e", at: at, error: "connection refused", consumeAttempt: false), to: leased(attempts: 7),
            owner: "w1", now: t0)
        #expect(unreachable?.state == .pending)
        #expect(unreachable?.attempts == 7)
    }

    /// Exhaustion is decided once, by `DeliveryDecision` from the schedule: the queue applies a retry as a retry.
    @Test func exhaustionIsDecidedByTheDecisionNotTheQueue() {
        let decision = DeliveryDecision.decide(
            answer: .http(status: 500, body: Data()), events: [.init(id: "e", attempts: 7)], schedule: .standard,
            now: t0, random: { 0.5 })
        #expect(decision.outcomes == [.dead("e", reason: "attempts exhausted (8 of 8); last: HTTP 500")])
        let dead = QueueTransitions.apply(decision.outcomes[0], to: leased(attempts: 7), owner: "w1", now: t0)
        #expect(dead?.state == .dead && dead?.attempts == 8)
        let retry = QueueTransitions.apply(
            .retry("e", at: t0, error: "HTTP 500", consumeAttempt: true), to: leased(attempts: 7), owner: "w1",
            now: t0)
        #expect(retry?.state == .pending && retry?.attempts == 8)
    }

    @Test func deadAndRelease() {
        let dead = QueueTransitions.apply(
            .dead("e", reason: "rejected: bad hash"), to: leased(), owner: "w1", now: t0)
        #expect(dead?.state == .dead && dead?.lastError == "rejected: bad hash" && dead?.attempts == 1)
        let released = QueueTransitions.apply(
            .release("e"), to: leased(attempts: 2), owner: "w1", now: t0)
        #expect(released == QueueRow(state: .pending, attempts: 2, nextAttemptAt: t0))
    }

    @Test func onlyTheLeaseOwnerChangesARow() {
        #expect(
            QueueTransitions.apply(.delivered("e"), to: leased("w2"), owner: "w1", now: t0)
                == nil)
        #expect(
            QueueTransitions.apply(.delivered("e"), to: pending, owner: "w1", now: t0) == nil)
        let delivered = QueueRow(state: .delivered, attempts: 1, nextAttemptAt: t0, deliveredAt: t0)
        #expect(
            QueueTransitions.apply(.release("e"), to: delivered, owner: "w1", now: t0) == nil)
        // An expired lease nobody took over is still the owner's to complete.
        let expired = QueueTransitions.apply(
            .delivered("e"), to: leased(), owner: "w1", now: t0.addingTimeInterval(3600))
        #expect(expired?.state == .delivered)
    }

    @Test func manualRetryOnlyFromDead() {
        let dead = QueueRow(state: .dead, attempts: 8, nextAttemptAt: t0, lastError: "x")
        let later = t0.addingTimeInterval(99)
        #expect(
            QueueTransitions.retryDead(dead, now: later)
                == QueueRow(state: .pending, attempts: 0, nextAttemptAt: later, lastError: "x"))
        #expect(QueueTransitions.retryDead(pending, now: later) == nil)
        #expect(QueueTransitions.retryDead(leased(), now: later) == nil)
    }
}
