import Foundation
import Testing

@testable import DossierCore

/// `FeatureAssembler` on hand-made walks: no disk, no clock. The documentation manifest (embedded copy) requires
/// `spec.md` from `discover` and `plan.md` from `design`.
@Suite struct FeatureAssemblerTests {
    static func rules() throws -> ClassificationRules {
        let yaml = try #require(EmbeddedManifests.yaml["documentation"])
        return ClassificationRules(try ManifestParser.parse(yaml, file: "documentation.yaml"))
    }

    static func file(_ path: String, _ result: WalkedFile.Result, nameProblem: String? = nil) -> WalkedFile {
        WalkedFile(relative: Array(path.utf8), relativeString: path, nameProblem: nameProblem, result: result)
    }

    static func digest(_ size: Int64, utf8: Bool? = true) -> WalkedFile.Result {
        .digest(FileDigest(sha256: String(repeating: "ab", count: 32), size: size, isValidUTF8: utf8))
    }

    static let meta = Array(#"{"mission_type": "documentation", "current_step": "design"}"#.utf8)

    @Test func aWalkBecomesADossierWithProblemsRankedAndTheMissingEntryAdded() throws {
        var walk = WalkOutput()
        walk.files = [
            Self.file("spec.md", Self.digest(10)),
            Self.file("meta.json", Self.digest(Int64(Self.meta.count))),
            Self.file("gone.md", .failed(FileSystemError(call: "openat", code: ENOENT))),
            Self.file("empty.md", Self.digest(0), nameProblem: "name ends with a space"),
            Self.file("docs/guide.md", Self.digest(5, utf8: false)),
        ]
        let meta = FeatureAssembler.Meta(.success(Self.meta), slug: "007-docs")
        #expect(meta.missionType == "documentation" && meta.step == "design" && meta.invalid == nil)
        #expect(meta.anomalies.isEmpty)
        let d = try FeatureAssembler.dossier(
            slug: "007-docs", directory: "/r/kitty-specs/007-docs", walk: walk, meta: meta,
            missionType: "documentation", rules: Self.rules(), request: ScanRequest(path: "/r"))
        #expect(d.missionType == "documentation" && d.currentStep == "design" && d.stepSource == .metaJSON)
        // Byte order of the paths; the absent required entry sits among them.
        #expect(
            d.artifacts.map(\.relativePath)
                == ["docs/guide.md", "empty.md", "gone.md", "meta.json", "plan.md", "spec.md"])
        let byPath = Dictionary(uniqueKeysWithValues: d.artifacts.map { ($0.relativePath, $0) })
        #expect(byPath["plan.md"]?.present == false && byPath["plan.md"]?.requiredStatus == .required)
        #expect(byPath["plan.md"]?.key == "plan" && byPath["plan.md"]?.stepID == "design")
        #expect(byPath["spec.md"]?.key == "spec" && byPath["spec.md"]?.anomaly == nil)
        #expect(byPath["docs/guide.md"]?.anomaly?.kind == .invalidFormat)
        #expect(byPath["gone.md"]?.anomaly?.kind == .deletedAfterScan && byPath["gone.md"]?.contentHashSHA256 == nil)
        // Two problems on one file: the more serious stays on the artifact, the other joins the dossier's list.
        #expect(byPath["empty.md"]?.anomaly?.detail == "empty.md: name ends with a space")
        let emptyFile = Anomaly(kind: .emptyFile, relativePath: "empty.md", detail: "empty.md: empty file (0 bytes)")
        #expect(d.anomalies == [emptyFile])
    }

    @Test func metaJSONThatIsMissingUnreadableOrInvalidIsAnAnomalyAndTheDefaultMissionStands() throws {
        #expect(
            FeatureAssembler.Meta(nil, slug: "x").anomalies.map(\.detail)
                == ["meta.json not found in x; mission type defaults to software-dev"])
        let unreadable = FeatureAssembler.Meta(.failure(FileSystemError(call: "read", code: EACCES)), slug: "x")
        #expect(unreadable.missionType == nil && unreadable.anomalies.map(\.kind) == [.invalidMetadata])
        let invalid = FeatureAssembler.Meta(.success(Array("[1]".utf8)), slug: "x")
        #expect(invalid.invalid == "expected a JSON object at top level")
        // The listed meta.json itself then carries the problem.
        var walk = WalkOutput()
        walk.files = [Self.file("meta.json", Self.digest(3))]
        let d = try FeatureAssembler.dossier(
            slug: "x", directory: "/r/x", walk: walk, meta: invalid, missionType: "documentation",
            rules: Self.rules(), request: ScanRequest(path: "/r"))
        #expect(d.artifacts.first { $0.present }?.anomaly?.detail == "meta.json: expected a JSON object at top level")
        #expect(d.anomalies.contains { $0.kind == .invalidMetadata && $0.relativePath == "meta.json" })
    }

    @Test func aStepTheManifestDoesNotHaveIsRefused() throws {
        #expect(throws: ScanError.self) {
            try FeatureAssembler.dossier(
                slug: "x", directory: "/r/x", walk: WalkOutput(), meta: FeatureAssembler.Meta(nil, slug: "x"),
                missionType: "documentation", rules: Self.rules(),
                request: ScanRequest(path: "/r", stepOverride: "no-such-step"))
        }
    }
}
