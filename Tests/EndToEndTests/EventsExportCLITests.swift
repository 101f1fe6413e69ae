import Foundation
import Testing

/// `dossier events export|validate --format spec-kitty-events|reduce` with the real binary: bad input, state files,
/// target branch and determinism. (The package's own checks are in SpecKittyEventsTests.)
@Suite struct EventsExportCLITests {
    static func demo(_ tag: String) throws -> (repo: String, cleanup: () -> Void) {
        let repo = try BinaryRunner.demoCopy(tag)
        let parent = URL(fileURLWithPath: repo).deletingLastPathComponent().path
        return (repo, { try? FileManager.default.removeItem(atPath: parent) })
    }

    static func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { SpecKittyPythons.json(String($0)) as? [String: Any] }
    }

    /// An event with what may change between two exports (ids, times, clock) removed.
    static func stable(_ event: [String: Any]) -> String {
        var e = event
        for key in ["event_id", "correlation_id", "causation_id", "timestamp", "lamport_clock"] { e[key] = nil }
        if var p = e["payload"] as? [String: Any] {
            for key in ["indexed_at", "checked_at", "computed_at", "detected_at"] { p[key] = nil }
            e["payload"] = p
        }
        let data = try? JSONSerialization.data(withJSONObject: e, options: [.sortedKeys])
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    @Test func exportIsDeterministicApartFromIdsTimesAndClockAcrossLocaleAndTimeZone() async throws {
        let (repo, cleanup) = try Self.demo("exp-det")
        defer { cleanup() }
        let a = try await QueueE2E.run(["events", "export", repo], environment: ["TZ": "UTC", "LANG": "C"])
        let b = try await QueueE2E.run(
            ["events", "export", repo],
            environment: ["TZ": "Pacific/Kiritimati", "LANG": "de_DE.UTF-8", "LC_ALL": "tr_TR.UTF-8"])
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let la = Self.lines(a.stdout)
        let lb = Self.lines(b.stdout)
        #expect(la.count > 5 && la.count == lb.count)
        #expect(la.map(Self.stable) == lb.map(Self.stable))
        let clocksA = la.compactMap { $0["lamport_clock"] as? Int }
        let clocksB = lb.compactMap { $0["lamport_clock"] as? Int }
        #expect(clocksA == clocksA.sorted() && (clocksB.first ?? 0) > (clocksA.last ?? 0), "the clock only grows")
        #expect(Set(la.compactMap { $0["project_uuid"] as? String }).count == 1)
    }

    @Test func targetBranchComesFromMetaJSONThenGitHEADThenMain() async throws {
        let (repo, cleanup) = try Self.demo("exp-branch")
        defer { cleanup() }
        func branch() async throws -> String? {
            let r = try await QueueE2E.run(["events", "export", repo])
            #expect(r.status == 0, "\(r.stderr)")
            let ns = (Self.lines(r.stdout).first?["payload"] as? [String: Any])?["namespace"] as? [String: Any]
            return ns?["target_branch"] as? String
        }
        await #expect(try branch() == "main")
        try FileManager.default.createDirectory(atPath: repo + "/.git", withIntermediateDirectories: true)
        try Data("ref: refs/heads/feature/export\n".utf8).write(to: URL(fileURLWithPath: repo + "/.git/HEAD"))
        await #expect(try branch() == "feature/export")
        let metaPath = repo + "/kitty-specs/001-demo-checkout/meta.json"
        var meta = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: metaPath))) as? [String: Any])
        meta["target_branch"] = "2.x"
        try JSONSerialization.data(withJSONObject: meta).write(to: URL(fileURLWithPath: metaPath))
        await #expect(try branch() == "2.x")
    }

    @Test func badInputGivesExit2NamingWhatAndWhere() async throws {
        let (repo, cleanup) = try Self.demo("exp-bad")
        defer { cleanup() }
        let unknown = try await QueueE2E.run(["events", "export", repo, "--feature", "999-nope"])
        #expect(
            unknown.status == 2 && unknown.stderr.contains("999-nope") && unknown.stderr.contains("001-demo-checkout"))
        let noQueue = try await QueueE2E.run(["events", "export", repo, "--from-queue"])
        #expect(noQueue.status == 2 && noQueue.stderr.contains("queue.sqlite"), "\(noQueue.stderr)")
        try Data("not-a-uuid\n".utf8).write(to: URL(fileURLWithPath: repo + "/.dossier/project-uuid"))
        let badUUID = try await QueueE2E.run(["events", "export", repo])
        #expect(badUUID.status == 2 && badUUID.stderr.contains("project-uuid"), "\(badUUID.stderr)")
        try FileManager.default.removeItem(atPath: repo + "/.dossier/project-uuid")

        let dir = try QueueE2E.tempDir("exp-bad-files")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try await QueueE2E.run(["events", "export", repo])
        var lines = good.stdout.split(separator: "\n").map(String.init)
        lines[1] = String(lines[1].prefix(30))
        lines[2] = lines[2].replacingOccurrences(of: "\"hash\":", with: "\"colour\":\"red\",\"hash\":")
        let file = dir + "/bad.jsonl"
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: file))
        let v = try await QueueE2E.run(["events", "validate", "--format", "spec-kitty-events", file])
        #expect(v.status == 2)
        #expect(v.stderr.contains("line 2: ") && v.stderr.contains("malformed JSON"), "\(v.stderr)")
        #expect(v.stderr.contains("line 3: ") && v.stderr.contains("'payload.content_ref.colour'"), "\(v.stderr)")
        #expect(v.stderr.contains("2 of \(lines.count) events invalid"), "\(v.stderr)")

        let bare = dir + "/bare.json"
        try Data(#"{"namespace": {}}"#.utf8).write(to: URL(fileURLWithPath: bare))
        let guess = try await QueueE2E.run(["events", "validate", "--format", "spec-kitty-events", bare])
        #expect(guess.status == 2 && guess.stderr.contains("--event-type"), "\(guess.stderr)")
        let badType = try await QueueE2E.run(
            ["events", "validate", "--format", "spec-kitty-events", "--event-type", "Nope", bare])
        #expect(badType.status == 2 && badType.stderr.contains("MissionDossierArtifactIndexed"), "\(badType.stderr)")

        // Two features' streams in one file: the reducer refuses, as the package's does.
        // (A second export: its event ids differ, so the reducer's de-duplication keeps both streams.)
        let other = try await QueueE2E.run(["events", "export", repo]).stdout
            .replacingOccurrences(of: "001-demo-checkout", with: "002-other")
        let mixed = dir + "/mixed.jsonl"
        try Data((good.stdout + other).utf8).write(to: URL(fileURLWithPath: mixed))
        let reduced = try await QueueE2E.run(["events", "reduce", mixed])
        #expect(reduced.status == 2 && reduced.stderr.contains("namespace mismatch"), "\(reduced.stderr)")
    }

    @Test func dossierFormatIsTheQueuedShapeAndValidates() async throws {
        let (repo, cleanup) = try Self.demo("exp-flat")
        defer { cleanup() }
        let out = URL(fileURLWithPath: repo).deletingLastPathComponent().path + "/flat"
        let r = try await QueueE2E.run(["events", "export", repo, "--format", "dossier", "--output", out])
        #expect(r.status == 0, "\(r.stderr)")
        let file = out + "/001-demo-checkout.jsonl"
        let v = try await QueueE2E.run(["events", "validate", file])
        #expect(v.status == 0, "\(v.stderr)")
        let types = Self.lines(String(decoding: FileManager.default.contents(atPath: file) ?? Data(), as: UTF8.self))
            .compactMap { $0["event_type"] as? String }
        #expect(types.last == "mission_dossier_snapshot_computed" && types.first == "mission_dossier_artifact_indexed")
    }
}
