import Foundation
import Testing

/// `dossier events export|validate|reduce --format spec-kitty-events`, checked with the spec-kitty-events package
/// itself (every interpreter of `DOSSIER_SPEC_KITTY_PYTHONS`): its `Event` and payload models accept every exported
/// line, its reducer over the export gives the parity hash, counts and drift of `dossier scan --json`, and its
/// conformance fixtures are accepted, rejected and reduced by dossier as the package does.
@Suite(.serialized, .enabled(if: SpecKittyPythons.enabled, SpecKittyPythons.disabledReason))
struct SpecKittyEventsTests {
    /// Scans `repo` to JSON, exports it (scan or queue), and runs every check on every interpreter.
    /// Returns the export folder's files.
    @discardableResult
    func exportAndCheck(
        _ repo: String, work: String, fromQueue: Bool = false, compareReducers: Int = .max, expectDrift: Bool = false
    ) async throws -> [String: Data] {
        let scan = try await QueueE2E.run(["scan", repo, "--json", "--no-emit"])
        try #require(scan.status == 0, "scan: \(scan.stderr)")
        let scanJSON = work + "/scan.json"
        try scan.stdoutData.write(to: URL(fileURLWithPath: scanJSON))
        let out = work + "/export-\(UUID().uuidString)"
        let export = try await QueueE2E.run(
            ["events", "export", repo, "--output", out] + (fromQueue ? ["--from-queue"] : []))
        try #require(export.status == 0, "export: \(export.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".jsonl") }.sorted()
        #expect(!names.isEmpty)
        var files: [String: Data] = [:]
        for name in names { files[name] = FileManager.default.contents(atPath: out + "/" + name) ?? Data() }

        for name in names {
            let ours = try await QueueE2E.run(["events", "validate", "--format", "spec-kitty-events", out + "/" + name])
            #expect(ours.status == 0, "\(name): \(ours.stderr)")
        }
        for python in await SpecKittyPythons.interpreters() {
            let r = try await SpecKittyPythons.check(python, ["check-export", out, scanJSON])
            #expect(r.status == 0, "\(python): \(r.stderr.prefix(4000))")
            let summary = SpecKittyPythons.json(r.stdout) as? [String: Any]
            #expect((summary?["files"] as? Int) == names.count, "\(r.stdout)")
            if expectDrift { #expect(((summary?["drift_features"] as? Int) ?? 0) >= 1, "\(r.stdout)") }
            for name in names.prefix(compareReducers) {
                let theirs = try await SpecKittyPythons.check(python, ["reduce", out + "/" + name])
                #expect(theirs.status == 0, "\(theirs.stderr)")
                let mine = try await QueueE2E.run(["events", "reduce", out + "/" + name])
                #expect(mine.status == 0, "\(mine.stderr)")
                #expect(
                    SpecKittyPythons.sameJSON(SpecKittyPythons.json(mine.stdout), SpecKittyPythons.json(theirs.stdout)),
                    "\(name): differs from reduce_mission_dossier\nours: \(mine.stdout)\ntheirs: \(theirs.stdout)"
                )
            }
        }
        return files
    }

    /// Every field of one event of each type removed, nulled, or given a wrong type or value: `dossier events
    /// validate --format spec-kitty-events` rejects exactly the variants the package's strict models reject.
    func validatorAgreesWithThePackageOnMutations(of stream: Data, work: String) async throws {
        let source = work + "/mutation-source.jsonl"
        try stream.write(to: URL(fileURLWithPath: source))
        for python in await SpecKittyPythons.interpreters() {
            let variants = work + "/mutations.jsonl"
            let r = try await SpecKittyPythons.check(python, ["mutate", source, variants])
            try #require(r.status == 0, "\(r.stderr)")
            let verdicts = try #require(SpecKittyPythons.json(r.stdout) as? [Bool])
            #expect(verdicts.count > 500 && verdicts.contains(true) && verdicts.contains(false))
            let ours = try await QueueE2E.run(["events", "validate", "--format", "spec-kitty-events", variants])
            var rejected: Set<Int> = []
            for line in ours.stderr.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 2)
                if parts.count > 1, parts[1].hasPrefix(" line "), let n = Int(parts[1].dropFirst(" line ".count)) {
                    rejected.insert(n)
                }
            }
            let lines = String(decoding: FileManager.default.contents(atPath: variants) ?? Data(), as: UTF8.self)
                .split(separator: "\n")
            var disagreements: [String] = []
            for (i, accepted) in verdicts.enumerated() where accepted == rejected.contains(i + 1) {
                let verdict = accepted ? "accepts" : "rejects"
                disagreements.append("line \(i + 1) (package \(verdict)): \(lines[i].prefix(300))")
            }
            #expect(
                disagreements.isEmpty, "\(python): \(disagreements.count) disagree\n\(disagreements.prefix(5))")
        }
    }

    @Test func demoExportWithAddedRemovedAndChangedArtifactsPassesThePackage() async throws {
        let repo = try BinaryRunner.demoCopy("ske-demo")
        let work = try QueueE2E.tempDir("ske-demo-work")
        defer {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: repo).deletingLastPathComponent().path)
            try? FileManager.default.removeItem(atPath: work)
        }
        let accept = try await QueueE2E.run(["baseline", "accept", repo])
        try #require(accept.status == 0, "\(accept.stderr)")
        let feature = repo + "/kitty-specs/001-demo-checkout"
        try Data("# Spec\n\nchanged after the baseline\n".utf8).write(to: URL(fileURLWithPath: feature + "/spec.md"))
        try Data("added after the baseline\n".utf8).write(to: URL(fileURLWithPath: feature + "/notes/added.md"))
        try FileManager.default.removeItem(atPath: feature + "/quickstart.md")
        let files = try await exportAndCheck(repo, work: work, expectDrift: true)
        try await validatorAgreesWithThePackageOnMutations(of: try #require(files.values.first), work: work)

        // The project UUID is persisted owner-only and reused.
        let uuidFile = repo + "/.dossier/project-uuid"
        let attributes = try FileManager.default.attributesOfItem(atPath: uuidFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let first = try String(contentsOfFile: uuidFile, encoding: .utf8)
        let again = try await QueueE2E.run(["events", "export", repo])
        #expect(again.status == 0, "\(again.stderr)")
        let line = again.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let envelope = SpecKittyPythons.json(line) as? [String: Any]
        #expect((envelope?["project_uuid"] as? String) == first.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect((envelope?["build_id"] as? String)?.hasPrefix("dossier/") == true)
    }

    @Test func queueExportPassesThePackageAndIsByteIdenticalWhenRepeated() async throws {
        let repo = try BinaryRunner.demoCopy("ske-queue")
        let work = try QueueE2E.tempDir("ske-queue-work")
        defer {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: repo).deletingLastPathComponent().path)
            try? FileManager.default.removeItem(atPath: work)
        }
        let scan = try await QueueE2E.run(["scan", repo])
        try #require(scan.status == 0, "\(scan.stderr)")
        let first = try await exportAndCheck(repo, work: work, fromQueue: true)
        // Each exported event keeps its queued id, and its lamport_clock is the queue row's seq.
        let listed = try await QueueE2E.run([
            "queue", "list", "--json", "--limit", "1000", "--state-dir", repo + "/.dossier",
        ])
        let rows = SpecKittyPythons.json(listed.stdout) as? [[String: Any]] ?? []
        var seqByID: [String: Int] = [:]
        for row in rows {
            if let id = (row["envelope"] as? [String: Any])?["event_id"] as? String, let seq = row["seq"] as? Int {
                seqByID[id] = seq
            }
        }
        let exported = first.values.flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n") }
            .compactMap { SpecKittyPythons.json(String($0)) as? [String: Any] }
        #expect(!rows.isEmpty && exported.count == rows.count, "\(exported.count) exported, \(rows.count) queued")
        for event in exported {
            let id = event["event_id"] as? String ?? ""
            #expect(seqByID[id] != nil && seqByID[id] == event["lamport_clock"] as? Int, "\(id)")
        }
        let out = work + "/again"
        let again = try await QueueE2E.run(["events", "export", repo, "--from-queue", "--output", out])
        #expect(again.status == 0, "\(again.stderr)")
        for (name, bytes) in first {
            #expect(FileManager.default.contents(atPath: out + "/" + name) == bytes, "\(name) differs between exports")
        }
        // The same events in dossier's own format validate with the dossier validator.
        let flat = try await QueueE2E.run(["events", "export", repo, "--from-queue", "--format", "dossier"])
        #expect(flat.status == 0, "\(flat.stderr)")
        let flatFile = work + "/flat.jsonl"
        try flat.stdoutData.write(to: URL(fileURLWithPath: flatFile))
        let validated = try await QueueE2E.run(["events", "validate", flatFile])
        #expect(validated.status == 0, "\(validated.stderr)")
    }

    @Test func conformanceFixturesAreAcceptedRejectedAndReducedAsThePackageDoes() async throws {
        var versions: Set<String> = []
        defer {
            if SpecKittyPythons.isCI {
                #expect(
                    versions.isSuperset(of: ["11.0.0", "6.1.0"]), "CI must check both pinned versions: \(versions)")
            }
        }
        for python in await SpecKittyPythons.interpreters() {
            let info = try await SpecKittyPythons.check(python, ["info"])
            try #require(info.status == 0, "\(info.stderr)")
            let document = SpecKittyPythons.json(info.stdout) as? [String: Any]
            let fixtures = try #require(document?["fixtures"] as? [[String: Any]])
            let version = document?["version"] as? String ?? "?"
            versions.insert(version)
            var payloads = 0
            var replays = 0
            var canonical: String?
            for fixture in fixtures {
                let path = fixture["abs_path"] as? String ?? ""
                let type = fixture["event_type"] as? String ?? ""
                let expected = fixture["expected_result"] as? String
                switch fixture["fixture_type"] as? String {
                case nil:
                    payloads += 1
                    let r = try await QueueE2E.run(
                        ["events", "validate", "--format", "spec-kitty-events", "--event-type", type, path])
                    if expected == "valid" {
                        #expect(r.status == 0, "\(version) \(path): \(r.stderr)")
                        let inferred = try await QueueE2E.run([
                            "events", "validate", "--format", "spec-kitty-events", path,
                        ])
                        #expect(inferred.status == 0, "\(version) \(path) (type inferred): \(inferred.stderr)")
                    } else {
                        #expect(r.status == 2, "\(version) \(path) accepted: \(r.stdout)")
                        let fields = fixture["package_fields"] as? [String] ?? []
                        #expect(!fields.isEmpty)
                        #expect(
                            fields.contains { r.stderr.contains("'\($0)'") },
                            "\(version) \(path): message names none of the package's fields \(fields): \(r.stderr)")
                    }
                case "replay_stream":
                    replays += 1
                    let mine = try await QueueE2E.run(["events", "reduce", path])
                    #expect(mine.status == 0, "\(mine.stderr)")
                    let theirs = try await SpecKittyPythons.check(python, ["reduce", path])
                    #expect(theirs.status == 0, "\(theirs.stderr)")
                    #expect(
                        SpecKittyPythons.sameJSON(
                            SpecKittyPythons.json(mine.stdout), SpecKittyPythons.json(theirs.stdout)),
                        "\(version) \(path)\nours: \(mine.stdout)\ntheirs: \(theirs.stdout)")
                    if path.hasSuffix("dossier_happy_path.jsonl") { canonical = mine.stdout }
                case "reducer_output":
                    // 6.1.0 lists this file in its manifest but its wheel does not ship it; 11.x does.
                    guard FileManager.default.fileExists(atPath: path) else {
                        #expect(!version.hasPrefix("11."), "\(version): \(path) is missing")
                        continue
                    }
                    let expectedState = SpecKittyPythons.json(
                        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self))
                    let happy = (path as NSString).deletingLastPathComponent + "/dossier_happy_path.jsonl"
                    let mine = try await QueueE2E.run(["events", "reduce", happy])
                    #expect(
                        SpecKittyPythons.sameJSON(SpecKittyPythons.json(mine.stdout), expectedState),
                        "\(version): happy path differs from canonical_output_snapshot.json: \(mine.stdout)"
                    )
                default:
                    Issue.record("\(version): unexpected fixture type in \(fixture)")
                }
            }
            #expect(payloads >= 13, "\(version): only \(payloads) payload fixtures found")
            #expect(replays == 2, "\(version): \(replays) replay streams found")
            #expect(canonical != nil)
        }
    }

    /// The synthetic 412-feature corpus (`scripts/make-corpus.sh`), with drift in a few features.
    @Test func syntheticCorpusExportPassesThePackage() async throws {
        let work = try QueueE2E.tempDir("ske-corpus")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let repo = work + "/repo"
        let generator = BinaryRunner.repositoryRoot + "/scripts/make-corpus.sh"
        if FileManager.default.isExecutableFile(atPath: generator) {
            let r = try await SpecKittyPythons.run("/bin/bash", [generator, repo])
            try #require(r.status == 0, "make-corpus.sh: \(r.stderr)")
        } else if let copy = ProcessInfo.processInfo.environment["DOSSIER_SPEC_KITTY_CORPUS"] {
            try FileManager.default.createDirectory(atPath: repo, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: copy + "/kitty-specs", toPath: repo + "/kitty-specs")
        } else {
            Issue.record("scripts/make-corpus.sh is missing (or set DOSSIER_SPEC_KITTY_CORPUS to a corpus copy)")
            return
        }
        let accept = try await QueueE2E.run(["baseline", "accept", repo])
        try #require(accept.status == 0, "\(accept.stderr)")
        let features = try FileManager.default.contentsOfDirectory(atPath: repo + "/kitty-specs").sorted()
        #expect(features.count >= 400, "\(features.count) features")
        for slug in features.prefix(3) {
            let dir = repo + "/kitty-specs/" + slug
            try Data("added after the baseline\n".utf8).write(to: URL(fileURLWithPath: dir + "/added-\(slug).md"))
        }
        try await exportAndCheck(repo, work: work, compareReducers: 5, expectDrift: true)
    }
}
