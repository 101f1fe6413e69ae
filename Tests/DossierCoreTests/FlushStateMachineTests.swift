import DossierCore
import Foundation
import Testing

/// Every transition of the pure flush state machine, driven with explicit times: no HTTP, no database, no sleeps.
@Suite struct FlushStateMachineTests {
    let t0 = Date(timeIntervalSince1970: 1_000_000)
    let ok = DeliveryAnswer.http(status: 200, body: Data())

    func settings(
        window: Int = 2, untilEmpty: Bool = false, maxRetryWait: Double? = nil,
        maxUnreachable: Int = 2
    ) -> FlushStateMachine.Settings {
        FlushStateMachine.Settings(
            window: window, claimLimit: 100, claimMaxBytes: 1 << 20, leaseSeconds: 120, requestTimeout: 30,
            maxConsecutiveUnreachable: maxUnreachable, unreachablePause: 0.5,
            untilEmpty: untilEmpty, maxRetryWait: maxRetryWait, batcher: Batcher(maxEvents: 2), endpoint: "http://x")
    }

    func machine(_ settings: FlushStateMachine.Settings) -> FlushStateMachine {
        FlushStateMachine(settings: settings, random: { 0.5 }, now: t0)
    }

    /// `n` claimed rows `e<from>`…, leased until `lease`, two per batch.
    func rows(_ n: Int, from: Int = 0, lease: Date? = nil, attempts: Int = 0) -> [QueuedEvent] {
        (from..<(from + n)).map { i in
            QueuedEvent(
                seq: Int64(i + 1), eventID: "e\(i)", eventType: "t", featureSlug: "f", body: Data("{\"i\":\(i)}".utf8),
                state: .inFlight, attempts: attempts, nextAttemptAt: t0, lastError: nil, leaseOwner: "w",
                leaseExpiresAt: lease ?? t0.addingTimeInterval(120), enqueuedAt: t0, deliveredAt: nil)
        }
    }

    func sends(_ actions: [FlushStateMachine.Action]) -> [(token: Int, ids: [String])] {
        actions.compactMap { if case .send(let token, let batch) = $0 { (token, batch.eventIDs) } else { nil } }
    }

    func commits(_ actions: [FlushStateMachine.Action]) -> [DeliveryCommit] {
        actions.compactMap { if case .commit(let commit) = $0 { commit } else { nil } }
    }

    func claims(_ actions: [FlushStateMachine.Action]) -> Int {
        actions.filter { if case .claim = $0 { true } else { false } }.count
    }

    func stopped(_ actions: [FlushStateMachine.Action]) -> FlushSummary? {
        actions.compactMap { if case .stop(let summary) = $0 { summary } else { nil } }.first
    }

    func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    /// The single action is a wait until (about, to the microsecond) `t0 + seconds`.
    func isWait(_ actions: [FlushStateMachine.Action], until seconds: Double) -> Bool {
        guard actions.count == 1, case .wait(let until) = actions[0] else { return false }
        return abs(until.timeIntervalSince(at(seconds))) < 1e-6
    }

    @Test func startClaimsThenProbesWithOneRequestAndOpensTheWindowOnAnAnswer() {
        var m = machine(settings(window: 2))
        #expect(m.start(now: t0) == [.claim(limit: 100, maxBytes: 1 << 20, leaseSeconds: 120)])
        let first = m.handle(.claimed(rows(6), at: t0))
        #expect(sends(first).map(\.ids) == [["e0", "e1"]], "one probe request before the endpoint answered")
        #expect(claims(first) == 0, "two batches wait: enough for the window")
        let second = m.handle(.answered(token: 1, ok, startedAt: t0, at: at(0.01)))
        #expect(sends(second).map(\.ids) == [["e2", "e3"], ["e4", "e5"]], "the window opens to 2")
        #expect(claims(second) == 1, "nothing left unsent: claim ahead while requests are in flight")
        #expect(commits(second).map(\.attempts.count) == [1], "no commit running: the answer is committed at once")
        #expect(m.requestsInFlight == 2 && m.currentWindow == 2)
        #expect(m.summary.delivered == 2 && m.summary.attempts == 1)
    }

    @Test func answersThatComeWhileACommitRunsGoTogetherInTheNext() {
        var m = machine(settings(window: 4))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(10), at: t0))
        // The probe's answer opens the window (tokens 2...5) and is committed at once: nothing else runs.
        let first = commits(m.handle(.answered(token: 1, ok, startedAt: t0, at: at(0.01))))
        #expect(first.count == 1 && first[0].attempts.map(\.log.eventIDs) == [["e0", "e1"]])
        #expect(first[0].attempts[0].outcomes == [.delivered("e0"), .delivered("e1")])
        #expect(first[0].window == 4)
        for token in 2...4 {
            let waiting = m.handle(.answered(token: token, ok, startedAt: t0, at: at(0.01 * Double(token))))
            #expect(commits(waiting).isEmpty, "the previous commit is not durable yet")
        }
        let next = commits(m.handle(.committed(at: at(0.05))))
        #expect(next.map(\.attempts.count) == [3], "what gathered meanwhile goes next, in one commit")
        #expect(next.first?.attempts.map(\.log.eventIDs) == [["e2", "e3"], ["e4", "e5"], ["e6", "e7"]])
    }

    /// A slow endpoint with a window of 1: each answer is durable before the next request's answer comes (a
    /// delivered batch never waits for later answers to show in `queue status` or the dashboard).
    @Test func withAWindowOfOneEveryAnswerIsCommittedBeforeTheNextAnswer() {
        var m = machine(settings(window: 1))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(6), at: t0))
        for token in 1...3 {
            let answered = m.handle(.answered(token: token, ok, startedAt: t0, at: at(Double(token))))
            #expect(commits(answered).map(\.attempts.count) == [1], "answer \(token) committed at once")
            _ = m.handle(.committed(at: at(Double(token) + 0.001)))
        }
    }

    @Test func windowOfOneSendsStrictlyInQueueOrder() {
        var m = machine(settings(window: 1))
        _ = m.start(now: t0)
        var order = sends(m.handle(.claimed(rows(6), at: t0)))
        for token in 1...3 {
            let actions = m.handle(.answered(token: token, ok, startedAt: t0, at: at(Double(token))))
            #expect(m.requestsInFlight <= 1)
            order += sends(actions)
        }
        #expect(order.map(\.ids) == [["e0", "e1"], ["e2", "e3"], ["e4", "e5"]])
    }

    @Test func anEmptyClaimEndsTheFlushOnceEverythingIsCommitted() {
        var m = machine(settings(window: 2))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(2), at: t0))
        let nothing = m.handle(.claimed([], at: at(0.001)))
        #expect(nothing.isEmpty, "a request is still in flight")
        let answered = m.handle(.answered(token: 1, ok, startedAt: t0, at: at(0.01)))
        #expect(commits(answered).count == 1, "nothing in flight any more: commit now")
        #expect(claims(answered) == 0)
        // An answer came in after the empty claim (it may have made events due again): claim once more.
        let again = m.handle(.committed(at: at(0.02)))
        #expect(claims(again) == 1)
        let done = m.handle(.claimed([], at: at(0.03)))
        #expect(stopped(done) == m.summary && m.summary.delivered == 2)
        #expect(m.handle(.claimed(rows(2), at: at(1))).isEmpty, "a stopped machine does nothing")
    }

    @Test func untilEmptyWaitsForRetriesToComeDueAndStopsWhenNothingIsLeft() {
        var m = machine(settings(untilEmpty: true))
        _ = m.start(now: t0)
        #expect(m.handle(.claimed([], at: t0)) == [.checkBacklog])
        let wait = m.handle(
            .backlog(DeliveryBacklog(pending: 3, inFlight: 0, nextAttemptAt: at(0.3)), at: t0))
        #expect(isWait(wait, until: 0.3))
        #expect(m.handle(.claimed([], at: at(0.1))).isEmpty, "a stray claim result while waiting does nothing")
        #expect(claims(m.handle(.woke(at: at(0.3)))) == 1)
        #expect(m.handle(.claimed([], at: at(0.31))) == [.checkBacklog])
        // Waits are clamped to [2 ms, 1 s]; another worker's claim (in flight, nothing pending) polls at 50 ms.
        #expect(
            isWait(
                m.handle(.backlog(DeliveryBacklog(pending: 1, inFlight: 0, nextAttemptAt: at(3600)), at: at(0.31))),
                until: 1.31))
        _ = m.handle(.woke(at: at(1.31)))
        _ = m.handle(.claimed([], at: at(1.31)))
        #expect(
            isWait(
                m.handle(.backlog(DeliveryBacklog(pending: 0, inFlight: 4, nextAttemptAt: nil), at: at(1.31))),
                until: 1.36))
        _ = m.handle(.woke(at: at(1.36)))
        _ = m.handle(.claimed([], at: at(1.36)))
        let done = m.handle(.backlog(DeliveryBacklog(pending: 0, inFlight: 0, nextAttemptAt: nil), at: at(1.4)))
        #expect(stopped(done) != nil)
    }

    @Test func retryWaitLimitStopsTheFlush() {
        var m = machine(settings(untilEmpty: true, maxRetryWait: 1))
        _ = m.start(now: t0)
        _ = m.handle(.claimed([], at: t0))
        let backlog = DeliveryBacklog(pending: 1, inFlight: 0, nextAttemptAt: at(10))
        #expect(isWait(m.handle(.backlog(backlog, at: t0)), until: 1))
        _ = m.handle(.woke(at: at(1)))
        _ = m.handle(.claimed([], at: at(1)))
        #expect(isWait(m.handle(.backlog(backlog, at: at(1))), until: 2))
        _ = m.handle(.woke(at: at(2)))
        _ = m.handle(.claimed([], at: at(2)))
        #expect(stopped(m.handle(.backlog(backlog, at: at(2)))) != nil, "waited longer than maxRetryWait")
    }

    @Test func aRefusedConnectionReleasesTheUnsentClaimAtOnceThenPausesAndGivesUpAfterTheLimit() {
        var m = machine(settings(window: 2, maxUnreachable: 2))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(6), at: t0))
        let refused = m.handle(
            .answered(token: 1, .connectionFailed("connection refused"), startedAt: t0, at: at(0.001)))
        let commit = commits(refused)
        #expect(commit.count == 1, "released at once, not after a timeout")
        #expect(commit[0].releases == ["e2", "e3", "e4", "e5"])
        #expect(commit[0].attempts.map(\.verdict) == [.unreachable("connection refused")])
        #expect(
            commit[0].attempts[0].outcomes == [
                .retry("e0", at: at(0.001), error: "connection refused", consumeAttempt: false),
                .retry("e1", at: at(0.001), error: "connection refused", consumeAttempt: false),
            ])
        #expect(m.heldEventIDs.isEmpty, "no claim is held without a request on the wire")
        #expect(isWait(m.handle(.committed(at: at(0.004))), until: 0.504), "unreachable pause")
        #expect(claims(m.handle(.woke(at: at(0.504)))) == 1)
        let probe = m.handle(.claimed(rows(6), at: at(0.505)))
        #expect(sends(probe).count == 1, "after an unanswered request: one probe")
        _ = m.handle(.answered(token: 2, .timeout("no answer within 30 s"), startedAt: at(0.505), at: at(30.5)))
        let last = m.handle(.committed(at: at(30.6)))
        let summary = stopped(last)
        #expect(summary?.unreachable == true && summary?.unreachableReason == "no answer within 30 s")
        #expect(summary?.attempts == 2 && summary?.delivered == 0)
    }

    @Test func anAnswerBetweenUnansweredRoundsResetsTheCount() {
        var m = machine(settings(window: 1, maxUnreachable: 2))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(2), at: t0))  // token 1, and a claim ahead
        _ = m.handle(.answered(token: 1, .connectionFailed("reset"), startedAt: t0, at: t0))
        let late = m.handle(.claimed(rows(2, from: 2), at: t0))
        #expect(sends(late).isEmpty, "a claim that comes back while cooling down is not sent")
        #expect(commits(m.handle(.committed(at: t0))).first?.releases == ["e2", "e3"])
        #expect(isWait(m.handle(.committed(at: t0)), until: 0.5))
        #expect(claims(m.handle(.woke(at: at(0.5)))) == 1)
        _ = m.handle(.claimed(rows(2), at: at(0.5)))  // token 2 (a probe), and a claim ahead
        _ = m.handle(.answered(token: 2, .http(status: 503, body: Data()), startedAt: at(0.5), at: at(0.6)))
        _ = m.handle(.claimed(rows(2, from: 2), at: at(0.6)))  // token 3
        _ = m.handle(.committed(at: at(0.6)))
        let refused = m.handle(.answered(token: 3, .connectionFailed("reset"), startedAt: at(0.6), at: at(0.7)))
        #expect(stopped(refused) == nil)
        _ = m.handle(.claimed([], at: at(0.7)))
        #expect(isWait(m.handle(.committed(at: at(0.7))), until: 1.2), "one unanswered round since the 503")
        #expect(m.summary.retried == 6 && m.summary.attempts == 3)
    }

    @Test func aPauseAnswerReleasesTheRestLetsRequestsInFlightFinishAndStops() {
        var m = machine(settings(window: 2))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(8), at: t0))
        _ = m.handle(.answered(token: 1, ok, startedAt: t0, at: at(0.01)))  // tokens 2 and 3 go out
        _ = m.handle(.committed(at: at(0.015)))
        let paused = m.handle(.answered(token: 2, .http(status: 401, body: Data()), startedAt: t0, at: at(0.02)))
        #expect(sends(paused).isEmpty && claims(paused) == 0)
        let commit = commits(paused)
        #expect(commit.count == 1 && commit[0].releases == ["e6", "e7"])
        #expect(commit[0].attempts.last?.outcomes == [.release("e2"), .release("e3")])
        #expect(stopped(m.handle(.committed(at: at(0.03)))) == nil, "token 3 is still in flight")
        let late = m.handle(.claimed(rows(2, from: 8), at: at(0.03)))
        #expect(commits(late).first?.releases == ["e8", "e9"], "the claim ahead comes back: released at once")
        #expect(commits(m.handle(.answered(token: 3, ok, startedAt: t0, at: at(0.04)))).isEmpty)
        let last = m.handle(.committed(at: at(0.05)))
        #expect(commits(last).first?.attempts.map(\.log.eventIDs) == [["e4", "e5"]], "its outcome is recorded")
        let summary = stopped(m.handle(.committed(at: at(0.06))))
        #expect(summary?.paused?.contains("HTTP 401") == true)
        #expect(summary?.delivered == 4 && summary?.released == 6)
    }

    @Test func theLeaseBudgetReleasesBatchesThatCouldNotFinishInTime() {
        var m = machine(settings(window: 1))
        _ = m.start(now: t0)
        // Lease ends at t0 + 40; a request may take 30 s (+1 s margin).
        let first = m.handle(.claimed(rows(4, lease: at(40)), at: t0))
        #expect(sends(first).count == 1)
        let late = m.handle(.answered(token: 1, ok, startedAt: t0, at: at(15)))
        #expect(sends(late).isEmpty, "e2/e3 could outlive the lease: not sent")
        #expect(commits(late).first?.releases == ["e2", "e3"])
        #expect(claims(late) == 1, "fresh events are claimed with a fresh lease instead")
        let fresh = m.handle(.claimed(rows(2, from: 2, lease: at(135)), at: at(15)))
        #expect(sends(fresh).map(\.ids) == [["e2", "e3"]])
    }

    @Test func splitAndBisectSendTheHalvesNext() {
        var m = machine(settings(window: 1))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(4), at: t0))
        let split = m.handle(.answered(token: 1, .http(status: 413, body: Data()), startedAt: t0, at: at(0.1)))
        #expect(sends(split).map(\.ids) == [["e0"]], "left half first, before the next batch")
        #expect(m.summary.attempts == 1 && m.summary.delivered == 0)
        let right = m.handle(.answered(token: 2, ok, startedAt: t0, at: at(0.2)))
        #expect(sends(right).map(\.ids) == [["e1"]])
        let bisect = m.handle(.answered(token: 3, .http(status: 422, body: Data()), startedAt: t0, at: at(0.3)))
        #expect(sends(bisect).map(\.ids) == [["e2", "e3"]], "a single event is not bisected: it is dead")
        #expect(m.summary.dead == 1 && m.summary.delivered == 1)
    }

    @Test func shutdownStopsSendingReleasesWhatIsUnsentAndCommitsWhatCameBack() {
        var m = machine(settings(window: 2))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(8), at: t0))
        _ = m.handle(.answered(token: 1, ok, startedAt: t0, at: at(0.01)))  // tokens 2 and 3 in flight
        _ = m.handle(.committed(at: at(0.015)))
        #expect(m.heldEventIDs == ["e6", "e7", "e2", "e3", "e4", "e5"])
        let down = m.handle(.shutdown(at: at(0.02)))
        #expect(sends(down).isEmpty && claims(down) == 0)
        #expect(commits(down).first?.releases == ["e6", "e7"])
        _ = m.handle(.claimed(rows(2, from: 8), at: at(0.02)))  // the claim ahead comes back: released
        _ = m.handle(.answered(token: 2, ok, startedAt: t0, at: at(0.03)))
        _ = m.handle(.answered(token: 3, .connectionFailed("cancelled"), startedAt: t0, at: at(0.03)))
        let closing = m.handle(.committed(at: at(0.04)))
        #expect(commits(closing).first?.releases == ["e8", "e9", "e4", "e5"], "the abandoned request: released")
        #expect(commits(closing).first?.attempts.count == 1, "no attempt is logged for the abandoned request")
        let summary = stopped(m.handle(.committed(at: at(0.05))))
        #expect(summary?.delivered == 4 && summary?.released == 6 && summary?.retried == 0)
        #expect(summary?.unreachable == false, "a shutdown is not an unreachable endpoint")
    }

    @Test func exhaustedAttemptsAreDecidedFromTheClaimedAttemptCount() {
        var m = machine(settings(window: 1))
        _ = m.start(now: t0)
        _ = m.handle(.claimed(rows(2, attempts: 7), at: t0))
        let failed = m.handle(.answered(token: 1, .http(status: 500, body: Data()), startedAt: t0, at: at(1)))
        #expect(m.summary.dead == 2 && m.summary.retried == 0)
        let reason = "attempts exhausted (8 of 8); last: HTTP 500"
        #expect(
            commits(failed).flatMap(\.attempts).flatMap(\.outcomes) == [
                .dead("e0", reason: reason), .dead("e1", reason: reason),
            ])
    }
}
