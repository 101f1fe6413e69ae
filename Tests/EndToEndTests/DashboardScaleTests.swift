import Foundation
import Testing

/// End-to-end on a 100,000-event queue: the Events and Queue panes page through SQLite, so titles show the exact
/// totals of `queue status --json`, `G` reaches the oldest event and `/` filters the whole queue.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardScaleTests {
    @Test func wholeQueueCountsEndAndFilter() async throws {
        let f = try DashboardE2EFixture()
        let stateDir = try await DashboardBigQueue.shared.stateDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDir) }
        let counts = try await queueStatusCounts(stateDir: stateDir)
        let total = counts.values.reduce(0, +)
        let undelivered = (counts["pending"] ?? 0) + (counts["in_flight"] ?? 0) + (counts["dead"] ?? 0)
        #expect(total == 100_000)

        let t = try TmuxHarness(
            arguments: ["--read-only"], directory: f.repository, environment: ["DOSSIER_STATE_DIR": stateDir])
        // Exact totals: the Events pane counts the whole queue, the Queue pane what is not delivered.
        let start = try await t.waitFor(
            "[1 Events (\(total))]", "2 Queue (\(undelivered))", "pending \(counts["pending"] ?? 0)",
            timeout: .seconds(60))
        #expect(selectedListRow(start).contains("snapshot stress-10"), "\(start)")
        // Every event row names its feature.
        #expect(start.contains("indexed  artifact.file-9998  stress-10"), "\(start)")

        // G reaches the real end: the oldest event, the first one appended.
        try t.send("G")
        let end = try await t.waitUntil("G selects the oldest event", timeout: .seconds(30)) {
            selectedListRow($0).contains("artifact.file-0  stress-1 ")
        }
        #expect(end.contains("-\(total)/\(total) "), "\(end)")
        // PgUp from the end moves a page back within the whole list.
        try t.send("PPage")
        try await t.waitUntil("PgUp from the end", timeout: .seconds(30)) {
            let row = selectedListRow($0)
            return row.contains("stress-1 ") && !row.contains("artifact.file-0 ")
        }
        try t.send("g")
        try await t.waitUntil("g back to the newest", timeout: .seconds(30)) {
            selectedListRow($0).contains("snapshot stress-10")
        }

        // `/` filters the whole queue in SQL: an event 90,000 rows below the newest is found.
        try t.send("/", "f", "i", "l", "e", "-", "5", "0", "0", "0", "Enter")
        let filtered = try await t.waitFor(
            "/file-5000 10 of \(total)]", "artifact.file-5000  stress-1 ", timeout: .seconds(30))
        #expect(filtered.contains("artifact.file-5000  stress-10"), "\(filtered)")
        try t.send("Escape")
        try await t.waitFor("[1 Events (\(total))]", timeout: .seconds(30))

        // The Queue pane reaches its end too.
        try t.send("2", "G")
        try await t.waitUntil("Queue G", timeout: .seconds(30)) {
            selectedListRow($0).contains("artifact.file-0  stress-1 ") && $0.contains("[2 Queue (\(undelivered))]")
        }
    }
}
