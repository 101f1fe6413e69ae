import Foundation
import Testing

/// End-to-end on the synthetic 412-feature corpus: the Features pane lists every feature with completeness and
/// drift state; Enter scopes Events, Artifacts and Drift to one feature (the titles say so, the Events count is
/// that feature's exact count in the queue); `a` is all features again. Then the layout at 80x24.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardFeaturesTests {
    @Test func featureScopeOn412Features() async throws {
        let c = try await DashboardLiveScanTests.corpus()
        defer { try? FileManager.default.removeItem(atPath: c.root) }
        let env = TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(c.stateDir)"]
        let scan = await spawnOffThePool([TmuxHarness.binary, "scan", c.repository], environment: env)
        #expect(scan.status == 0, "\(scan.stdout.suffix(400))")
        // One feature from the middle of the list, and its exact number of queued events.
        let specs = c.repository + "/kitty-specs"
        let slugs = try FileManager.default.contentsOfDirectory(atPath: specs).filter { name in
            var folder: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: specs + "/" + name, isDirectory: &folder)
                && folder.boolValue
        }.sorted()
        #expect(slugs.count == 412)
        let slug = slugs[200]
        let list = await spawnOffThePool(
            [TmuxHarness.binary, "queue", "list", "--limit", "1000000"], environment: env)
        let rows = list.stdout.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false)
        }
        let total = rows.count
        let mine = rows.filter { $0.count > 5 && $0[5] == Substring(slug) }.count
        #expect(mine > 0 && total > 412)

        let t = try TmuxHarness(
            arguments: ["--auto-flush", "0"], directory: c.repository, environment: ["DOSSIER_STATE_DIR": c.stateDir])
        try await t.waitFor("6 Features (412)", "1 Events (\(total))", timeout: .seconds(120))
        // Features pane: filter to the feature, Enter scopes to it.
        try t.send("6")
        try await t.waitFor("[6 Features (412)]")
        try t.send("/")
        for ch in slug { try t.tmux(["send-keys", "-t", t.target, "-l", String(ch)]) }
        try t.send("Enter")
        let filtered = try await t.waitFor("/\(slug) 1 of 412]", timeout: .seconds(30))
        #expect(filtered.contains("no baseline"), "\(filtered)")  // drift state: no baseline yet, not "no drift"
        let row = filtered.split(separator: "\n").first { $0.contains(" \(slug)  ") }.map(String.init) ?? ""
        #expect(row.contains(/[✓✗?] \S+  \d+\/\d+ req/), "\(filtered)")
        try t.send("Enter")
        let scoped = try await t.waitFor(
            "1 Events · \(slug) (\(mine))", "5 Artifacts · \(slug) (", "4 Drift · \(slug) (0)",
            "feature \(slug) (scope · a: all)", timeout: .seconds(30))
        // Every event row now belongs to the feature (and says so).
        let eventRows = scoped.split(separator: "\n").prefix(20).filter {
            $0.contains("sent ✓") || $0.contains("pending ")
        }
        #expect(!eventRows.isEmpty)
        for row in eventRows where row.hasPrefix("│") { #expect(row.contains(slug) || row.contains("…"), "\(row)") }
        // `a`: all features again, one key.
        try t.send("a")
        try await t.waitFor("1 Events (\(total))", "scope: all features", timeout: .seconds(30))

        // 80x24: completeness, counts and hints stay; every cut shows `…`.
        try t.resize(width: 80, height: 24)
        let small = try await t.waitUntil("80x24 frame", timeout: .seconds(30)) { $0.contains("80x24") }
        let lines = small.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(
            lines[1].contains(/(✓ COMPLETE|✗ INCOMPLETE|\? UNKNOWN \(no manifest\)) \d+\/\d+ required/), "\(lines[1])")
        #expect(small.contains(/DEAD 0  pend \d+/), "\(small)")
        #expect(small.contains("? help") && small.contains("q quit"), "\(small)")
    }
}

/// End-to-end: a mouse click focuses the pane under the pointer and selects the row clicked; the wheel scrolls;
/// `--no-mouse` leaves clicks to the terminal.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardMouseTests {
    /// An X10 mouse report (what ncurses reads for the pane's terminal, `ESC [ M b x y`, each + 32, 1-based).
    static func report(button: Int, column: Int, row: Int) -> [String] {
        ["-H", "1b", "5b", "4d"] + [32 + button, 33 + column, 33 + row].map { String($0, radix: 16) }
    }

    func click(_ t: borrowing TmuxHarness, column: Int, row: Int) throws {
        try t.tmux(["send-keys", "-t", t.target] + Self.report(button: 0, column: column, row: row))
        try t.tmux(["send-keys", "-t", t.target] + Self.report(button: 3, column: column, row: row))  // release
    }

    @Test func aClickSelectsARowAndFocusesItsPane() async throws {
        let f = try DashboardE2EFixture()
        let scan = await f.dossier(["scan", f.repository])
        #expect(scan.status == 0, "\(scan.output)")
        let t = try TmuxHarness(arguments: ["--auto-flush", "0"], directory: f.repository, environment: f.environment)
        let start = try await t.waitFor("[1 Events (3)]", "6 Features (1)", timeout: .seconds(30))
        #expect(selectedListRow(start).contains("snapshot 042-login"), "\(start)")
        let mode = try t.tmux(["display-message", "-p", "-t", t.target, "#{mouse_standard_flag}"])
        #expect(mode.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "pane mouse mode: \(mode)")
        // Events rows start at screen row 5 (0-based): the third row is row 7.
        try click(t, column: 10, row: 7)
        let third = try await t.waitUntil("the clicked row selected", timeout: .seconds(30)) {
            selectedListRow($0).contains("indexed ") && !selectedListRow($0).contains("snapshot")
        }
        let lines = third.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[7].contains("│›"), "\(third)")
        // A click in the Features pane (rows 13-17 at 120x40 hold its box) focuses it.
        let layoutTop = try #require(lines.firstIndex { $0.contains("6 Features (1)") })
        try click(t, column: 10, row: layoutTop + 1)
        try await t.waitFor("[6 Features (1)]", timeout: .seconds(30))
        // The wheel over the Events pane focuses and scrolls it (down: the next rows).
        try t.tmux(["send-keys", "-t", t.target] + Self.report(button: 64, column: 10, row: 6))  // wheel up
        try await t.waitFor("[1 Events (3)]", timeout: .seconds(30))
        try await t.waitUntil("wheel up goes back to the first row", timeout: .seconds(30)) {
            selectedListRow($0).contains("snapshot 042-login")
        }
    }

    @Test func noMouseLeavesClicksToTheTerminal() async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: ["--no-mouse"], directory: f.repository, environment: f.environment)
        try await t.waitFor("[1 Events", "6 Features (1)", timeout: .seconds(30))
        let mode = try t.tmux(["display-message", "-p", "-t", t.target, "#{mouse_any_flag}#{mouse_standard_flag}"])
        #expect(mode.trimmingCharacters(in: .whitespacesAndNewlines) == "00", "pane mouse mode: \(mode)")
    }
}
