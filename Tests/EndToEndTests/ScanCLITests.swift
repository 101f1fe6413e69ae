import Foundation
import TestSupport
import Testing

/// `dossier scan` end to end: the real binary on real folders.
@Suite struct ScanCLITests {
    static let demoFeature = "kitty-specs/001-demo-checkout"

    /// The `--json` document without its `volatile` group (time and location dependent).
    static func stable(_ data: Data) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["volatile"] != nil)
        object.removeValue(forKey: "volatile")
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    @Test func jsonOfDemoHasEveryDocumentedField() async throws {
        let repo = try BinaryRunner.demoCopy("scan-json")
        let run = try await BinaryRunner.run(["scan", repo + "/" + Self.demoFeature, "--json", "--no-emit"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        #expect(doc["format_version"] as? Int == 1)
        let volatile = try #require(doc["volatile"] as? [String: Any])
        #expect(
            Set(volatile.keys) == [
                "scanned_at", "duration_ms", "repository_root", "state_directory", "feature_directories",
                "stat_cache",
            ])
        #expect(doc["skipped"] as? [Any] != nil)
        let feature = try #require((doc["features"] as? [[String: Any]])?.first)
        #expect(feature["feature_slug"] as? String == "001-demo-checkout")
        #expect(feature["mission_type"] as? String == "software-dev")
        #expect(feature["current_step"] as? String == "implement" && feature["step_source"] as? String == "meta.json")
        #expect(feature["completeness"] as? String == "incomplete")
        #expect((feature["parity_hash_sha256"] as? String)?.count == 64)
        let counts = try #require(feature["counts"] as? [String: Int])
        #expect(
            counts == [
                "total": 13, "required": 6, "required_present": 5, "required_missing": 1, "optional": 7,
                "optional_present": 7,
            ])
        let artifacts = try #require(feature["artifacts"] as? [[String: Any]])
        for a in artifacts {
            #expect(
                Set(a.keys).isSuperset(of: [
                    "key", "class", "relative_path", "content_hash_sha256", "size_bytes", "wp_id",
                    "step_id", "required_status", "present", "anomaly",
                ]))
        }
        let tasks = try #require(artifacts.first { $0["relative_path"] as? String == "tasks.md" })
        #expect(tasks["present"] as? Bool == false && tasks["required_status"] as? String == "required")
        #expect(tasks["step_id"] as? String == "tasks_outline")
        let latin = try #require(artifacts.first { $0["relative_path"] as? String == "notes/latin1.txt" })
        #expect(latin["anomaly"] as? String == "invalid_format")
    }

    /// The parity hash of the demo equals one computed independently with coreutils (find, C-locale sort, sha256sum).
    @Test func parityOfDemoMatchesShellComputation() async throws {
        let repo = try BinaryRunner.demoCopy("scan-parity")
        let feature = repo + "/" + Self.demoFeature
        let script = """
            cd "$1" && find . -type f ! -path '*/.*' | sed 's|^\\./||' | LC_ALL=C sort | \
            while IFS= read -r p; do printf '%s\\t%s\\n' "$p" "$(sha256sum < "$p" | cut -d' ' -f1)"; done | \
            head -c -1 | sha256sum | cut -d' ' -f1
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", script, "sh", feature]
        let pipe = Pipe()
        shell.standardOutput = pipe
        try shell.run()
        let expected = String(decoding: await pipe.readAll(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        await shell.exited()
        #expect(expected.count == 64)
        let run = try await BinaryRunner.run(["scan", feature, "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        #expect((doc["features"] as? [[String: Any]])?.first?["parity_hash_sha256"] as? String == expected)
    }

    @Test func humanOutputShowsTableCompletenessAndParity() async throws {
        let repo = try BinaryRunner.demoCopy("scan-human")
        let run = try await BinaryRunner.run(["scan"], cwd: repo + "/" + Self.demoFeature)  // PATH defaults to cwd
        #expect(run.exitCode == 0)
        #expect(run.stdoutText.contains("MISSING  req  workflow  tasks.md"))
        #expect(run.stdoutText.contains("invalid_format: notes/latin1.txt: text artifact is not valid UTF-8"))
        #expect(run.stdoutText.contains("completeness incomplete   required 5/6"))
        #expect(run.stdoutText.contains("parity "))
        #expect(run.stderr.isEmpty)  // no progress when stderr is not a terminal
    }

    @Test func determinismTwiceCopiedAndUnderLocaleAndTimeZoneVariations() async throws {
        let repo = try BinaryRunner.demoCopy("det-a")
        // Odd names too: NFC and NFD spellings, a tab.
        let feature = repo + "/" + Self.demoFeature
        try Data("nfc".utf8).write(to: URL(fileURLWithPath: feature + "/notes/caf\u{E9}.md"))
        try Data("nfd".utf8).write(to: URL(fileURLWithPath: feature + "/notes/cafe\u{301}.md"))
        try Data("tab".utf8).write(to: URL(fileURLWithPath: feature + "/notes/a\tb.md"))
        let copy = try BinaryRunner.tempDirectory("det-b") + "/elsewhere"
        try FileManager.default.copyItem(atPath: repo, toPath: copy)

        let first = try await BinaryRunner.run(["scan", feature, "--json"])
        let second = try await BinaryRunner.run(["scan", feature, "--json"])
        let copied = try await BinaryRunner.run(["scan", copy + "/" + Self.demoFeature, "--json"])
        let variant1 = try await BinaryRunner.run(
            ["scan", feature, "--json"],
            environment: ["TZ": "Pacific/Kiritimati", "LANG": "tr_TR.UTF-8", "LC_ALL": "tr_TR.UTF-8"])
        let variant2 = try await BinaryRunner.run(
            ["scan", feature, "--json"], environment: ["TZ": "America/St_Johns", "LANG": "C", "LC_ALL": "C"])
        for run in [first, second, copied, variant1, variant2] { #expect(run.exitCode == 0, "\(run.stderr)") }
        let reference = try Self.stable(first.stdout)
        for run in [second, copied, variant1, variant2] { #expect(try Self.stable(run.stdout) == reference) }
        #expect(first.stdout != copied.stdout)  // only the volatile group differs (it names the location)

        let doc = try #require(try JSONSerialization.jsonObject(with: first.stdout) as? [String: Any])
        let artifacts = try #require(((doc["features"] as? [[String: Any]])?.first?["artifacts"]) as? [[String: Any]])
        let paths = artifacts.compactMap { $0["relative_path"] as? String }
        let notes = paths.filter { $0.hasPrefix("notes/") }.map { Array($0.utf8) }
        #expect(
            notes == [
                Array("notes/a\tb.md".utf8), Array("notes/cafe\u{301}.md".utf8), Array("notes/caf\u{E9}.md".utf8),
                Array("notes/latin1.txt".utf8),
            ])
        #expect(
            paths.map { Array($0.utf8) } == paths.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func repositoryRootScansEveryFeature() async throws {
        let repo = try BinaryRunner.demoCopy("scan-root")
        try FileManager.default.copyItem(
            atPath: repo + "/" + Self.demoFeature, toPath: repo + "/kitty-specs/002-second")
        let run = try await BinaryRunner.run(["scan", "--json"], cwd: repo)
        #expect(run.exitCode == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        #expect(
            (doc["features"] as? [[String: Any]])?.compactMap { $0["feature_slug"] as? String } == [
                "001-demo-checkout", "002-second",
            ])
    }

    @Test func badInputExitsTwoWithPathAndProblem() async throws {
        let dir = try BinaryRunner.tempDirectory("scan-bad")
        let file = dir + "/plain.txt"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let notDir = try await BinaryRunner.run(["scan", file])
        #expect(notDir.exitCode == 2 && notDir.stderr.contains("\(file): not a directory"))
        let missing = try await BinaryRunner.run(["scan", dir + "/nope"])
        #expect(missing.exitCode == 2 && missing.stderr.contains("\(dir)/nope: no such file or directory"))
        let repo = try BinaryRunner.demoCopy("scan-step")
        let badStep = try await BinaryRunner.run(["scan", repo, "--step", "bogus"])
        #expect(
            badStep.exitCode == 2 && badStep.stderr.contains("--step 'bogus': not a step of mission 'software-dev'"))
        try FileManager.default.createDirectory(atPath: repo + "/.dossier/manifests", withIntermediateDirectories: true)
        try Data("mission_type: software-dev\nsteps: [a\n".utf8).write(
            to: URL(fileURLWithPath: repo + "/.dossier/manifests/software-dev.yaml"))
        let badManifest = try await BinaryRunner.run(["scan", repo])
        #expect(badManifest.exitCode == 2 && badManifest.stderr.contains(".dossier/manifests/software-dev.yaml:"))
    }

    @Test func unknownMissionIsUnknownCompleteness() async throws {
        let repo = try BinaryRunner.demoCopy("scan-unknown")
        let run = try await BinaryRunner.run(["scan", repo, "--mission", "astrology", "--json"])
        #expect(run.exitCode == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        let feature = try #require((doc["features"] as? [[String: Any]])?.first)
        #expect(feature["completeness"] as? String == "unknown" && feature["current_step"] is NSNull)
    }
}
