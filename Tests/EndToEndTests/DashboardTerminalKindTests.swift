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
