import Foundation
import Testing

/// End-to-end: a `dossier scan` run as a separate process on the repository an open dashboard
/// watches shows its new events in that dashboard (the dashboard polls the queue's `data_version`).
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardCrossProcessTests {
    @Test func scanFromAnotherProcessAppearsInTheOpenDashboard() async throws {
        let repository = try BinaryRunner.demoCopy("dash-xproc")
        let root = (repository as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: root) }
        let stateDir = root + "/state"
        // Watch only: the dashboard itself neither scans nor delivers.
        let t = try TmuxHarness(
            arguments: ["--read-only"], directory: repository, environment: ["DOSSIER_STATE_DIR": stateDir])
        let before = try await t.waitFor("READ-ONLY", "feature 001-demo-checkout", "[1 Events (0)]")
        #expect(!before.contains("pending 14"))

        let r = tmuxSpawnAndWait(
            [TmuxHarness.binary, "scan", repository],
            environment: TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(stateDir)"], stderrToStdout: true)
        #expect(r.status == 0, "scan: \(r.stdout)")
        #expect(r.stdout.contains("queued 14 event(s)"), "scan: \(r.stdout)")

        let after = try await t.waitFor("[1 Events (14)]", "pending 14", timeout: .seconds(30))
        #expect(after.contains("indexed  spec"), "\(after)")
        #expect(after.contains("snapshot 001-demo-checkout"), "\(after)")

        // A second scan from outside: 14 more events (new ids), shown too.
        let again = tmuxSpawnAndWait(
            [TmuxHarness.binary, "scan", repository],
            environment: TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(stateDir)"], stderrToStdout: true)
        #expect(again.status == 0, "scan: \(again.stdout)")
        try await t.waitFor("[1 Events (28)]", "pending 28", timeout: .seconds(30))
    }
}

/// End-to-end browsing keys on a repository whose queue already holds the demo's 14 events (queued by a
/// `dossier scan` before the dashboard opens): `/` filter, Enter for the full envelope, PgDn/PgUp.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardBrowseKeysTests {
    /// The selected row of the focused list (the line with the `›` marker).
    static func selectedRow(_ screen: String) -> String {
        screen.split(separator: "\n").first { $0.contains("│›") }.map(String.init) ?? ""
    }

    @Test func filterDetailsAndPaging() async throws {
        let repository = try BinaryRunner.demoCopy("dash-browse")
        let root = (repository as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: root) }
        let stateDir = root + "/state"
        let scan = tmuxSpawnAndWait(
            [TmuxHarness.binary, "scan", repository],
            environment: TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(stateDir)"], stderrToStdout: true)
        #expect(scan.status == 0, "scan: \(scan.stdout)")
        let t = try TmuxHarness(
            arguments: ["--read-only"], directory: repository, width: 80, height: 24,
            environment: ["DOSSIER_STATE_DIR": stateDir])
        let start = try await t.waitFor("[1 Events (14)]", "pend 14")
        #expect(Self.selectedRow(start).contains("snapshot 001-demo"))

        // PgDn moves the selection a page down, PgUp back to the top.
        try t.send("NPage")
        try await t.waitUntil("selection moved a page down") {
            let row = Self.selectedRow($0)
            return !row.isEmpty && !row.contains("snapshot 001-demo")
        }
        try t.send("PPage")
        try await t.waitUntil("selection back on the first row") { Self.selectedRow($0).contains("snapshot 001-demo") }

        // `/` filters the focused list as you type; Enter keeps the filter, then Enter opens the envelope.
        try t.send("/", "s", "p", "e", "c")
        try await t.waitFor("/spec", "1 of 14")
        try t.send("Enter")
        try await t.waitUntil("filter kept") { Self.selectedRow($0).contains("indexed  spec") }
        try t.send("Enter")
        let details = try await t.waitFor("Event indexed · spec", "mission_dossier_artifact_indexed")
        #expect(details.contains("event_id"))
        try t.send("Escape")
        try await t.waitUntil("details closed") { !$0.contains("Event indexed · spec") }
        try t.send("Escape")  // clears the filter
        try await t.waitFor("[1 Events (14)]")
    }
}
