import Foundation
import Testing

/// End-to-end on the default run: `dossier` outside any repository opens the bundled demo with a
/// local reference receiver (20 % of requests answered 500, each `artifact_missing` event rejected once).
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardDemoTests {
    /// A demo dir and state dir of its own, and an empty working directory (no repository).
    struct Demo: ~Copyable {
        let root = NSTemporaryDirectory() + "dossier-demo-\(UUID().uuidString.prefix(8))"
        var cwd: String { root + "/cwd" }
        var demoDir: String { root + "/demo" }
        var environment: [String: String] {
            [
                "DOSSIER_DEMO_DIR": demoDir, "DOSSIER_STATE_DIR": root + "/state",
                // The same injected failures every run: the demo receiver's random 500s stay, but reproducibly.
                "DOSSIER_DEMO_SEED": "7",
                // No teammate edit (its drift is checked by the first-impression test only).
                "DOSSIER_DEMO_TEAMMATE": "0",
            ]
        }

        init() throws {
            try FileManager.default.createDirectory(atPath: root + "/cwd", withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: root) }
    }

    @Test(arguments: [(120, 40), (80, 24)])
    func defaultRunShowsTheDemoAndDelivers(width: Int, height: Int) async throws {
        let demo = try Demo()
        let t = try TmuxHarness(
            arguments: [], directory: demo.cwd, width: width, height: height, environment: demo.environment)
        // No key pressed: the demo runs one queued scan at start (its 14 events) and delivers them.
        let start = try await t.waitFor("feature 001-demo-checkout", "endpoint ", "Events (14)")
        for title in DashboardTerminalTests.paneTitles { #expect(start.contains(title), "missing pane \(title)") }
        if width >= 120 {
            // Wide enough for the endpoint URL whatever its state; at 80 columns a retry's reason and time come first
            // and the URL gives way (`retrying (HTTP 500), next attempt 17:36:00 → …`).
            #expect(start.contains("/webhook"), "\(start)")
        }
        // Auto-delivery to the demo receiver: 13 accepted (after retries of injected 500s), the
        // artifact_missing event rejected → dead letter.
        let screen = try await t.waitFor("sent 13", "DEAD 1", timeout: .seconds(60))
        #expect(screen.contains("200 OK"))
        #expect(screen.contains("DEAD ✗"))
        // `s` still scans: 14 new events (new ids), delivered the same way (their artifact_missing event
        // dead too). Not waiting for all 26: an event unlucky with the injected 500s may need minutes.
        // (No teammate edit here: DOSSIER_DEMO_TEAMMATE=0, so the scan's events are the demo's 14.)
        try t.send("s")
        try await t.waitFor("Events (28)")
        try await t.waitUntil("DEAD 2 and more than 13 sent", timeout: .seconds(60)) { screen in
            guard screen.contains("DEAD 2"), let match = screen.firstMatch(of: /sent (\d+)/) else { return false }
            return (Int(match.1) ?? 0) > 13
        }
    }

    /// The first half minute, no key pressed: deliveries fail (injected 500s) and are retried, the artifact_missing
    /// event becomes a dead letter, and the teammate's edit (~12 s in) shows as drift.
    @Test func firstHalfMinuteShowsFailuresRetriesDeadLetterAndDrift() async throws {
        let demo = try Demo()
        var environment = demo.environment
        environment["DOSSIER_DEMO_TEAMMATE"] = nil
        let t = try TmuxHarness(arguments: [], directory: demo.cwd, environment: environment)
        // (Not "4 Drift (0)" first: on a loaded machine the teammate may have edited before the first look.)
        try await t.waitFor("feature 001-demo-checkout", timeout: .seconds(30))
        // The deadline is generous for a loaded test machine; on an idle one all of it shows within ~15 s. A retried
        // event shows its attempts (×N).
        let wanted = ["500 ERR", "200 OK", "DEAD 1", "4 Drift (1)", "001-demo-checkout  +1 -0 ~0"]
        try await t.waitUntil("\(wanted) and an attempt count", timeout: .seconds(90)) { screen in
            wanted.allSatisfy(screen.contains) && screen.contains(/×\d/)
        }
        #expect(
            FileManager.default.fileExists(atPath: demo.demoDir + "/" + "kitty-specs/001-demo-checkout/notes/review.md")
        )
    }

    /// Presses `f` until the screen shows `settled`: each round sends every pending event (`y` answers "send N
    /// events waiting for back-off now?", so an event an injected 500 backed off goes again at once instead of
    /// after its delay), then waits for the round's answer (a new delivery attempt, the question, or `settled`).
    /// With DOSSIER_DEMO_SEED the same requests meet the same injected failures, so the rounds are the same
    /// every run; `rounds` only bounds a broken run.
    @discardableResult
    private func flushUntil(_ t: borrowing TmuxHarness, _ settled: [String], rounds: Int = 12) async throws -> String {
        func attempts(_ screen: String) -> Int {
            screen.firstMatch(of: /3 Deliveries \((\d+)\)/).flatMap { Int($0.1) } ?? 0
        }
        var screen = try t.screen()
        for _ in 0..<rounds {
            if settled.allSatisfy(screen.contains) { return screen }
            let before = attempts(screen)
            try t.send(screen.contains("waiting for back-off now? (y/N)") ? "y" : "f")
            screen = try await t.waitUntil("a flush round", timeout: .seconds(60)) { s in
                settled.allSatisfy(s.contains) || s.contains("waiting for back-off now? (y/N)") || attempts(s) > before
            }
            if attempts(screen) > before {
                // The round may go on (several batches): wait until nothing is being sent.
                screen = try await t.waitUntil("the round ended", timeout: .seconds(60)) { !$0.contains("delivering") }
            }
        }
        return try await t.waitUntil("settled: \(settled)", timeout: .seconds(5)) { s in settled.allSatisfy(s.contains)
        }
    }

    @Test func flushKeyDeliversAndDeadEventsAreRetried() async throws {
        let demo = try Demo()
        let t = try TmuxHarness(arguments: ["--auto-flush", "0"], directory: demo.cwd, environment: demo.environment)
        // The start-up scan queues the demo's 14 events without a key press (nothing delivers: --auto-flush 0).
        // (Not its status line: that message lasts 30 s, and a loaded machine may first look later than that.)
        try await t.waitFor("feature 001-demo-checkout", "Events (14)", "pending 14", timeout: .seconds(60))
        let afterFlush = try await flushUntil(t, ["sent 13", "DEAD 1", "pending 0"])
        #expect(afterFlush.contains("Deliveries ("))
        #expect(afterFlush.contains("200 OK"))
        // Enter on a delivery attempt shows it and the events it carried.
        try t.send("3")
        try await t.waitFor("[3 Deliveries (")
        try t.send("Enter")
        let attempt = try await t.waitFor("Delivery attempt · batch", "Events in this batch:")
        #expect(attempt.contains("answer    HTTP"))
        try t.send("Escape")
        try await t.waitUntil("attempt details closed") { !$0.contains("Events in this batch:") }

        try t.send("R")
        try await t.waitFor("Retry all 1 dead event? y = yes")
        try t.send("n")
        try await t.waitFor("retry all: cancelled", "DEAD 1")
        try t.send("R")
        try await t.waitFor("Retry all 1 dead event?")
        try t.send("y")
        try await t.waitFor("pending 1", "DEAD 0")
        // The demo receiver rejects an event once: its retry is delivered.
        try await flushUntil(t, ["sent 14", "DEAD 0", "pending 0"])
    }

    /// The dead letter of the first seconds, cleared by `r` with no other key: auto-delivery sends the retry and
    /// the demo receiver, which rejects each `artifact_missing` event once, accepts it.
    @Test func rOnTheFirstDeadLetterDeliversIt() async throws {
        let demo = try Demo()
        let t = try TmuxHarness(arguments: [], directory: demo.cwd, environment: demo.environment)
        try await t.waitFor("feature 001-demo-checkout", "DEAD 1", timeout: .seconds(60))
        try t.send("2")  // Queue pane: dead events are listed first, and the first row is selected
        // The Queue row (no clock, unlike the Events row): the dead letter is there and selected.
        try await t.waitFor("[2 Queue (", "DEAD ✗  missing  tasks", "DEAD 1")
        try t.send("r")
        try await t.waitFor("sent 14", "DEAD 0", timeout: .seconds(90))
    }

    @Test func editingADemoFileShowsDriftWithDetails() async throws {
        let demo = try Demo()
        let t = try TmuxHarness(arguments: [], directory: demo.cwd, environment: demo.environment)
        try await t.waitFor("feature 001-demo-checkout", "4 Drift (0)")
        let spec = demo.demoDir + "/kitty-specs/001-demo-checkout/spec.md"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: spec))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\nedited by the test\n".utf8))
        try handle.close()
        try await t.waitFor("4 Drift (1)", "WARNING 001-demo-checkout")
        try t.send("4")
        try t.send("Enter")
        let details = try await t.waitFor("Drift · 001-demo-checkout · WARNING", "Changed: 1")
        #expect(details.contains("~ spec  spec.md"))
        #expect(details.contains("old ") && details.contains("new "))
        try t.send("Escape")
        try await t.waitUntil("details closed") { !$0.contains("Changed: 1") }
    }

    @Test func changesFromAnotherProcessAppearInTheOpenDashboard() async throws {
        let demo = try Demo()
        let t = try TmuxHarness(
            arguments: ["--auto-flush", "0"], directory: demo.cwd, environment: demo.environment)
        try await t.waitFor("feature 001-demo-checkout", "Events (14)", "pending 14")
        // Another dossier process scans the same demo into the same queue.
        let env = ["DOSSIER_STATE_DIR=\(demo.environment["DOSSIER_STATE_DIR"]!)"]
        let r = tmuxSpawnAndWait(
            [TmuxHarness.binary, "scan", demo.demoDir], environment: TmuxHarness.environment + env,
            stderrToStdout: true)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("queued 14 event(s)"), "\(r.stdout)")
        try await t.waitFor("Events (28)", "pending 28")
    }
}
