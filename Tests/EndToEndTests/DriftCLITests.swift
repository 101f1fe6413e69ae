import Foundation
import Testing

/// `dossier baseline accept|show` and `dossier drift` end to end, exit codes 0/1/2.
@Suite struct DriftCLITests {
    @Test func baselineThenDriftLifecycle() async throws {
        let repo = try BinaryRunner.demoCopy("drift")
        let state = try BinaryRunner.tempDirectory("drift-state") + "/state"
        let feature = repo + "/kitty-specs/001-demo-checkout"

        let none = try await BinaryRunner.run(["drift", feature, "--state-dir", state])
        #expect(none.exitCode == 2 && none.stderr.contains("no baseline for 001-demo-checkout"))
        let showNone = try await BinaryRunner.run(["baseline", "show", feature, "--state-dir", state])
        #expect(showNone.exitCode == 2)

        let accept = try await BinaryRunner.run(
            ["baseline", "accept", feature], environment: ["DOSSIER_STATE_DIR": state])
        #expect(accept.exitCode == 0, "\(accept.stderr)")
        let file = state + "/baselines/001-demo-checkout--software-dev.json"
        let attrs = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? Int) == 0o700)

        let clean = try await BinaryRunner.run(["drift", feature, "--state-dir", state])
        #expect(clean.exitCode == 0 && clean.stdoutText.contains("no drift"))
        let show = try await BinaryRunner.run(["baseline", "show", feature, "--state-dir", state])
        #expect(show.exitCode == 0 && show.stdoutText.contains("spec.md"))

        // Change an optional file and add one: warning (something was added).
        try Data("changed".utf8).write(to: URL(fileURLWithPath: feature + "/research.md"))
        try Data("new".utf8).write(to: URL(fileURLWithPath: feature + "/extra.md"))
        let warn = try await BinaryRunner.run(["drift", feature, "--state-dir", state, "--json"])
        #expect(warn.exitCode == 1)
        let reports = try #require(try JSONSerialization.jsonObject(with: warn.stdout) as? [[String: Any]])
        #expect(reports.first?["severity"] as? String == "warning")
        #expect(reports.first?["missing_in_baseline"] as? [String] == ["artifact.extra.md"])
        #expect((reports.first?["changed"] as? [[String: Any]])?.first?["key"] as? String == "research")
        #expect(reports.first?["has_drift"] as? Bool == true)

        // Remove a required file: error.
        try FileManager.default.removeItem(atPath: feature + "/spec.md")
        let err = try await BinaryRunner.run(["drift", feature, "--state-dir", state, "--json"])
        #expect(err.exitCode == 1)
        let errReports = try #require(try JSONSerialization.jsonObject(with: err.stdout) as? [[String: Any]])
        #expect(errReports.first?["severity"] as? String == "error")
        #expect(errReports.first?["missing_in_local"] as? [String] == ["spec"])

        // Scan shows the drift next to the snapshot.
        let scan = try await BinaryRunner.run(["scan", feature, "--state-dir", state])
        #expect(scan.exitCode == 0 && scan.stdoutText.contains("drift error:"))
    }

    @Test func malformedBaselineIsExitTwoNamingTheFile() async throws {
        let repo = try BinaryRunner.demoCopy("drift-bad")
        let state = try BinaryRunner.tempDirectory("drift-bad-state")
        try FileManager.default.createDirectory(atPath: state + "/baselines", withIntermediateDirectories: true)
        let file = state + "/baselines/001-demo-checkout--software-dev.json"
        try Data("{\"feature_slug\": 3}".utf8).write(to: URL(fileURLWithPath: file))
        let run = try await BinaryRunner.run(["drift", repo, "--state-dir", state])
        #expect(run.exitCode == 2 && run.stderr.contains(file) && run.stderr.contains("malformed baseline"))
    }

    @Test func defaultStateDirectoryIsDotDossierAtRepositoryRoot() async throws {
        let repo = try BinaryRunner.demoCopy("drift-default")
        let accept = try await BinaryRunner.run(["baseline", "accept"], cwd: repo + "/kitty-specs/001-demo-checkout")
        #expect(accept.exitCode == 0)
        #expect(
            FileManager.default.fileExists(atPath: repo + "/.dossier/baselines/001-demo-checkout--software-dev.json"))
    }
}
