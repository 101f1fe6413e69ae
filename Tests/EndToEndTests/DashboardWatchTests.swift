import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// End-to-end on the synthetic 412-feature corpus: the dashboard watches `kitty-specs/` with inotify, re-scans only
/// the feature that changed, and reads nothing while nothing changes.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardWatchTests {
    /// `rchar` (bytes the process read through read(2) and friends) from /proc/<pid>/io.
    static func readChars(_ pid: Int32) throws -> Int {
        let io = try String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8)
        let line = io.split(separator: "\n").first { $0.hasPrefix("rchar:") } ?? ""
        return Int(line.dropFirst("rchar:".count).trimmingCharacters(in: .whitespaces)) ?? -1
    }

    /// The dashboard process: the child of the tmux pane's shell.
    static func dashboardPid(_ t: borrowing TmuxHarness) throws -> Int32 {
        let shell = try #require(
            Int32(try t.tmux(["list-panes", "-t", t.target, "-F", "#{pane_pid}"])
                .trimmingCharacters(in: .whitespacesAndNewlines)))
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        return try #require(children.split(separator: " ").first.flatMap { Int32($0) })
    }

    @Test func editsRescanOnlyTheirFeatureAndIdleReadsNothing() async throws {
        let c = try await DashboardLiveScanTests.corpus()
        defer { try? FileManager.default.removeItem(atPath: c.root) }
        let t = try TmuxHarness(
            arguments: ["--auto-flush", "0"], directory: c.repository, environment: ["DOSSIER_STATE_DIR": c.stateDir])
        try await t.waitUntil("start-up scan done", timeout: .seconds(90)) {
            $0.contains("(1 of 412)") && !$0.contains("scanning [")
        }
        try t.send("b")
        try await t.waitFor("Accept the current state of 412 features as the baseline?", timeout: .seconds(30))
        try t.send("y")
        try await t.waitFor("baseline: accepted the current state of 412 features", timeout: .seconds(60))
        try await t.waitUntil("baseline scan done", timeout: .seconds(90)) {
            $0.contains("no drift from the baseline") && !$0.contains("scanning [")
        }

        // Idle: nothing changes, nothing is read (a rescan would read at least the stat cache and every meta.json).
        let pid = try Self.dashboardPid(t)
        try await Task.sleep(for: .seconds(2))
        let before = try Self.readChars(pid)
        try await Task.sleep(for: .seconds(10))
        let idle = try Self.readChars(pid) - before
        #expect(idle >= 0 && idle < 64 * 1024, "read \(idle) bytes in 10 s of idling")

        // An edit inside one feature: only that feature is re-scanned, and its drift shows.
        let specs = c.repository + "/kitty-specs"
        let slug = try #require(
            try FileManager.default.contentsOfDirectory(atPath: specs).sorted().first { !$0.hasPrefix(".") && $0 != "README.md" })
        let meta = specs + "/" + slug + "/spec.md"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: meta))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\nedited by the watch test\n".utf8))
        try handle.close()
        try await t.waitFor("watch: rescanned 1 changed feature (\(slug))", "4 Drift (1)", timeout: .seconds(60))
    }
}
