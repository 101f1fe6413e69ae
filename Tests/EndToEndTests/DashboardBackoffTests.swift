import Foundation
import Testing

/// End-to-end: events backed off by server errors do not make a user who fixed the receiver wait minutes: `f`
/// offers to send them now; a killed receiver reads as unreachable with no claim left in flight; restarted, `f`
/// sends the events that were backed off.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardBackoffTests {
    typealias Receiver = DashboardTruthTests.Receiver

    @Test func backedOffEventsAreSentOnFAfterTheReceiverIsBack() async throws {
        let f = try DashboardE2EFixture()
        let secret = DashboardTruthTests.secret
        let failing = try await Receiver.start(
            arguments: ["--secret", secret, "--fail-rate", "1"], stateDir: f.stateDir)
        let port = failing.port
        let scan = await f.dossier(["scan", f.repository])
        #expect(scan.status == 0, "\(scan.output)")
        let t = try TmuxHarness(
            arguments: ["--auto-flush", "0", "--endpoint", "http://127.0.0.1:\(port)/webhook"],
            directory: f.repository,
            environment: f.environment.merging(["DOSSIER_WEBHOOK_SECRET": secret]) { a, _ in a })
        try await t.waitFor("pending 3", timeout: .seconds(30))

        // Two rounds of HTTP 500: the events back off 5 s, then minutes (the standard schedule: 5 min ±20 %).
        try t.send("f")
        try await t.waitFor("retrying (HTTP 500)", timeout: .seconds(60))
        // Each event's back-off is jittered (±20 %): wait until all three are due again.
        try await t.waitUntil("all three due again", timeout: .seconds(60)) {
            $0.components(separatedBy: "×1  due now").count - 1 == 3
        }
        try t.send("f")
        try await t.waitUntil("a back-off of minutes", timeout: .seconds(60)) {
            $0.contains(/next try in \dm\d\ds/) && $0.contains("pending 3")
        }

        // The receiver dies. f: nothing is due, so it asks; y sends now and finds nobody listening.
        failing.stop()
        try t.send("f")
        try await t.waitFor("Nothing is due. Send 3 events waiting for back-off now? (y/N)", timeout: .seconds(30))
        try t.send("y")
        let down = try await t.waitUntil("unreachable, no claim left", timeout: .seconds(60)) {
            $0.contains(/unreachable since \d\d:\d\d:\d\d \(/) && $0.contains("pending 3 · sending 0")
        }
        #expect(!down.contains("Send 3 events"), "\(down)")
        let counts = try await queueStatusCounts(stateDir: f.stateDir)
        #expect((counts["in_flight"] ?? 0) == 0, "\(counts)")

        // Back on the same port: f sends the events that were backed off.
        let receiver = try await Receiver.start(arguments: ["--secret", secret], port: port, stateDir: f.stateDir)
        defer { receiver.stop() }
        try t.send("f")
        try await t.waitFor("pending 0 · sending 0 · sent 3", timeout: .seconds(60))
    }
}
