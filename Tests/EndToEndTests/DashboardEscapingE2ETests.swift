import Foundation
import Testing

/// The real dashboard in a real (tmux) terminal shows a hostile file name escaped, exactly as the CLI does: the
/// screen is not cleared, no line is forged.
@Suite(.enabled(if: TmuxHarness.isAvailable, "needs /usr/bin/tmux and the dossier binary"))
struct DashboardEscapingE2ETests {
    @Test func hostileFileNameIsShownEscaped() async throws {
        let f = try DashboardE2EFixture(files: [
            "spec.md": "# Spec\n", "plan.md": "# Plan\n", "evil\u{1B}[2J\u{1B}[H\rMISSING.md": "x\n",
        ])
        let t = try TmuxHarness(
            arguments: [], directory: f.repository, width: 160, height: 40, environment: f.environment)
        let screen = try await t.waitFor("[1 Events", "evil\\x1B[2J\\x1B[H\\rMISSING.md")
        #expect(screen.contains("spec.md"))
        #expect(!screen.contains("\u{1B}"))
    }
}
