import Foundation
import Testing

@testable import DossierCore

@Suite struct ManifestTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func embeddedCopyEqualsAssetFiles() throws {
        let dir = Self.repoRoot + "/assets/manifests"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ["documentation.yaml", "research.yaml", "software-dev.yaml"])
        #expect(Set(EmbeddedManifests.yaml.keys) == Set(files.map { String($0.dropLast(5)) }))
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + file))
            let embedded = EmbeddedManifests.yaml[String(file.dropLast(5))] ?? ""
            #expect(
                Array(embedded.utf8) == Array(bytes),
                "run scripts/embed-assets.sh: \(file) differs from the embedded copy")
        }
    }

    @Test func bundledManifestsParse() throws {
        for mission in ["software-dev", "research", "documentation"] {
            let loaded = try #require(try ManifestLoader.load(missionType: mission, repositoryRoot: nil))
            #expect(loaded.manifest.missionType == mission && loaded.source == "<embedded>/\(mission).yaml")
        }
        let sd = try #require(try ManifestLoader.load(missionType: "software-dev", repositoryRoot: nil)).manifest
        #expect(
            sd.steps == [
                "discovery", "specify", "plan", "tasks_outline", "tasks_packages", "tasks_finalize",
                "implement", "review", "done",
            ])
        #expect(sd.requiredByStep["specify"]?.map(\.pathPattern) == ["spec.md"])
        #expect(sd.requiredByStep["tasks_packages"]?.map(\.pathPattern) == ["tasks/WP*.md"])
        #expect(try ManifestLoader.load(missionType: "astrology", repositoryRoot: nil) == nil)
        #expect(try ManifestLoader.load(missionType: "../etc/passwd", repositoryRoot: nil) == nil)
    }

    static let valid = """
        mission_type: m
        manifest_version: "1"
        steps: [a, b]
        required_by_step:
          b:
            - artifact_key: x
              artifact_class: output
              path_pattern: x.md
              blocking: true

        """

    func error(_ yaml: String) -> ManifestError? {
        do {
            _ = try ManifestParser.parse(yaml, file: "m.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func malformedManifestsNameFileLineAndField() throws {
        #expect(error(Self.valid) == nil)
        let badBool = try #require(
            error(Self.valid.replacingOccurrences(of: "blocking: true", with: "blocking: maybe")))
        #expect(
            badBool.description
                == "manifest m.yaml:9: field 'required_by_step.b[0].blocking': expected a bool, got 'maybe'")
        let badClass = try #require(error(Self.valid.replacingOccurrences(of: "class: output", with: "class: other")))
        #expect(badClass.line == 7 && badClass.field == "required_by_step.b[0].artifact_class")
        let badStep = try #require(error(Self.valid.replacingOccurrences(of: "  b:\n", with: "  zz:\n")))
        #expect(badStep.line == 5 && badStep.field == "required_by_step.zz")
        let missing = try #require(error(Self.valid.replacingOccurrences(of: "      path_pattern: x.md\n", with: "")))
        #expect(missing.field == "required_by_step.b[0].path_pattern" && missing.problem == "missing required field")
        let syntax = try #require(error("steps: [a, b\nmission_type: x\n"))
        #expect(syntax.line != nil && syntax.problem.hasPrefix("invalid YAML"))
        let unknown = try #require(error(Self.valid + "extra: 1\n"))
        #expect(unknown.line == 10 && unknown.field == "extra")
    }

    @Test func repositoryOverrideWinsAndMustBeValid() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-override-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/.dossier/manifests", withIntermediateDirectories: true)
        try Self.valid.replacingOccurrences(of: "mission_type: m", with: "mission_type: software-dev")
            .write(toFile: root + "/.dossier/manifests/software-dev.yaml", atomically: true, encoding: .utf8)
        let loaded = try #require(try ManifestLoader.load(missionType: "software-dev", repositoryRoot: root))
        #expect(loaded.manifest.steps == ["a", "b"] && loaded.source.hasSuffix(".dossier/manifests/software-dev.yaml"))
        try "mission_type: research\n".write(
            toFile: root + "/.dossier/manifests/research.yaml", atomically: true, encoding: .utf8)
        #expect(throws: ManifestError.self) { try ManifestLoader.load(missionType: "research", repositoryRoot: root) }
    }
}
