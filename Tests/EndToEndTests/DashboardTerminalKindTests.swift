import Foundation
import Testing

/// End-to-end: a terminal without cursor addressing is refused with a clear message and exit status 2. The
/// dashboard runs on a real pseudo-terminal (`script`; tmux would set its own TERM for the pane).
@Suite(.enabled(
    if: TmuxHarness.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"),
    "needs /usr/bin/script and the dossier binary"))
struct DashboardTerminalKindTests {
    @Test(arguments: ["dumb", "no-such-terminal-xyz"])
    func terminalWithoutCursorAddressingIsRefused(term: String) async throws {
        let f = try DashboardE2EFixture()
        let command = "cd \(TmuxHarness.quote(f.repository)) && TERM=\(term) \(TmuxHarness.quote(TmuxHarness.binary))"
        let r = await spawnOffThePool(
            ["/usr/bin/script", "-qec", command, "/dev/null"],
            environment: TmuxHarness.environment + ["DOSSIER_STATE_DIR=\(f.stateDir)"])
        #expect(r.status == 2, "\(r.stdout)")
        #expect(r.stdout.contains("TERM=\(term) cannot address the cursor"), "\(r.stdout)")
        #expect(r.stdout.contains("TERM=xterm-256color"), "\(r.stdout)")
    }
}

/// End-to-end: under a non-UTF-8 locale every cell the dashboard draws is ASCII.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardASCIILocaleTests {
    @Test func langCDrawsPureASCII() async throws {
        let f = try DashboardE2EFixture(files: ["spec.md": "# Spec\n", "notes/世界-é.md": "wide\n"])
        let t = try TmuxHarness(
            arguments: [], directory: f.repository, environment: f.environment.merging(["LANG": "C", "LC_ALL": "C"]) { _, b in b })
        let screen = try await t.waitFor("[1 Events (0)]", "feature 042-login", "notes/", timeout: .seconds(30))
        let foreign = screen.unicodeScalars.filter { $0.value >= 0x80 }
        #expect(foreign.isEmpty, "non-ASCII on screen: \(String(String.UnicodeScalarView(foreign.prefix(20))))\n\(screen)")
        #expect(screen.hasPrefix("+- dossier"), "\(screen)")
    }
}
