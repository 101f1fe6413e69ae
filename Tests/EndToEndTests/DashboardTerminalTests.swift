import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// End-to-end: the real `dossier` binary in a real (tmux) terminal, asserting on the screen.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardTerminalTests {
    static let paneTitles = ["1 Events", "2 Queue", "3 Deliveries", "4 Drift", "5 Artifacts"]

    @Test(arguments: [(120, 40), (80, 24)])
    func showsAllPanesAndTheStatusBar(width: Int, height: Int) async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(
            arguments: [], directory: f.repository, width: width, height: height, environment: f.environment)
        let screen = try await t.waitFor("[1 Events", "\(width)x\(height)")
        for title in Self.paneTitles { #expect(screen.contains(title), "missing pane \(title)") }
        #expect(screen.contains("? help  q quit"))
        #expect(screen.contains("endpoint "))
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("┌─ dossier · ") == true)
    }

    @Test func helpOverlayOpensAndCloses() async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: [], directory: f.repository, environment: f.environment)
        try await t.waitFor("[1 Events")
        try t.send("?")
        let help = try await t.waitFor("Help · keys (Esc closes)", "retry every dead event (asks y/N)")
        #expect(help.contains("filter the focused list"))
        try t.send("Escape")
        try await t.waitUntil("help closed") { !$0.contains("Help · keys") }
    }

    @Test(arguments: [("q", "EXIT=0"), ("C-c", "EXIT=130")])
    func restoresTheTerminalOnExit(key: String, expected: String) async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: [], directory: f.repository, environment: f.environment)
        try await t.waitFor("[1 Events")
        try t.send(key)
        let screen = try await t.waitFor("icanon echo")  // cooked mode + echo restored
        #expect(screen.contains(expected))
        #expect(!screen.contains("┌"))  // left the alternate screen
    }

    @Test func resizeRelayoutsAndGuardsTheMinimumSize() async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: [], directory: f.repository, environment: f.environment)
        try await t.waitFor("120x40")
        try t.resize(width: 70, height: 20)
        try await t.waitFor("terminal too small (70x20, min 80x24)")
        try t.resize(width: 100, height: 30)
        let screen = try await t.waitFor("100x30", "[1 Events")
        #expect(!screen.contains("too small"))
    }

    @Test func eventsWrittenByAnotherProcessAppearLive() async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: [], directory: f.repository, environment: f.environment)
        try await t.waitFor("[1 Events (0)]")
        let r = await f.dossier(
            ["stress-append", "--count", "4", "--batches", "1"], executable: BinaryRunner.bench)
        #expect(r.status == 0, "stress-append: \(r.output)")
        let screen = try await t.waitFor("[1 Events (5)]", "pending 5")
        #expect(screen.contains("indexed  artifact.file-"))
        #expect(screen.contains("snapshot stress-1"))
    }

    @Test func readOnlyRefusesStateChangingKeys() async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: ["--read-only"], directory: f.repository, environment: f.environment)
        try await t.waitFor("READ-ONLY")
        try t.send("s")
        try await t.waitFor("read-only: s (scan) is disabled")
        try t.send("f")
        try await t.waitFor("read-only: f (flush) is disabled")
    }

    @Test func flushWithoutAnEndpointSaysSo() async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: [], directory: f.repository, environment: f.environment)
        try await t.waitFor("endpoint no endpoint (events stay queued)")
        try t.send("f")
        try await t.waitFor("flush: no endpoint configured")
    }

    @Test func colorUnlessNoColorOrTheFlag() async throws {
        let f = try DashboardE2EFixture()
        let colored = try TmuxHarness(arguments: [], directory: f.repository, environment: f.environment)
        try await colored.waitFor("[1 Events")
        #expect(try colored.screen(escapes: true).contains("\u{1B}[32m"))  // green "sent 0"

        for (args, env) in [([String](), ["NO_COLOR": "1"]), (["--no-color"], [:])] {
            let plain = try TmuxHarness(
                arguments: args, directory: f.repository, environment: f.environment.merging(env) { a, _ in a })
            try await plain.waitFor("[1 Events")
            let escaped = try plain.screen(escapes: true)
            #expect(!escaped.contains("\u{1B}[32m") && !escaped.contains("\u{1B}[31m"))
            #expect(escaped.contains("\u{1B}[7m"))  // reverse video status bar and focus: readable without color
        }
    }

    @Test(arguments: [(SIGTERM, "EXIT=143"), (SIGHUP, "EXIT=129")])
    func restoresTheTerminalOnTermAndHup(signal: Int32, expected: String) async throws {
        let f = try DashboardE2EFixture()
        let t = try TmuxHarness(arguments: [], directory: f.repository, environment: f.environment)
        try await t.waitFor("[1 Events")
        let shell = try #require(
            Int32(
                try t.tmux(["list-panes", "-t", t.target, "-F", "#{pane_pid}"])
                    .trimmingCharacters(in: .whitespacesAndNewlines)))
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let dashboard = try #require(children.split(separator: " ").first.flatMap { Int32($0) })
        #expect(kill(dashboard, signal) == 0)
        let screen = try await t.waitFor("icanon echo")
        #expect(screen.contains(expected))
        #expect(!screen.contains("┌"))
    }

    @Test func wideFileNamesAreClippedByDisplayWidth() async throws {
        let f = try DashboardE2EFixture(files: [
            "spec.md": "# Spec\n", "notes/世界-\(String(repeating: "長", count: 40)).md": "wide\n",
        ])
        let t = try TmuxHarness(
            arguments: [], directory: f.repository, width: 80, height: 24, environment: f.environment)
        let screen = try await t.waitFor("notes/世界-長長")
        // The cut name ends in `…`, the badge after it stays whole before the left pane's border (column 44), and the
        // line is still 80 columns.
        for line in screen.split(separator: "\n") where line.contains("notes/世界") {
            let width = line.unicodeScalars.reduce(0) { $0 + ((0x3000...0x9FFF).contains($1.value) ? 2 : 1) }
            #expect(width == 80, "\(line)")
            #expect(line.contains("長…") && (line.contains("✓│") || line.contains("✓ │")), "\(line)")
        }
    }
}
