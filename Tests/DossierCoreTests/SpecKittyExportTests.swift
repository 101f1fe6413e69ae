import DossierCore
import Foundation
import Testing

/// The pure parts of the spec-kitty-events export: mapping, contract validation, stream reduction, branch
/// resolution, and the two small state files. (The package itself checks the real binary's output in
/// EndToEndTests/SpecKittyEventsTests.)
@Suite struct SpecKittyExportTests {
    static let project = "0b9f1c1e-4d7a-4c1e-9a55-2f3d4e5f6a7b"

    static func feature(baseline: Baseline?, manifest: Manifest?) -> ExportFeature {
        let events = EventFixtures.allFourTypes().enumerated().map {
            SequencedEvent(envelope: $0.element, sequence: Int64(100 + $0.offset))
        }
        return ExportFeature(
            namespace: DossierNamespace(
                projectUUID: project, missionSlug: "042-user-login", targetBranch: "main", missionType: "software-dev",
                manifestVersion: "1", stepID: "tasks_packages"),
            repositoryPath: "kitty-specs/042-user-login", events: events, manifest: manifest, baseline: baseline)
    }

    static let context = SpecKittyMapper.Context(nodeID: "dossier@test", correlationID: project)

    static func object(_ v: JSONValue?) -> [String: JSONValue] {
        if case .object(let o)? = v { return o }
        return [:]
    }

    /// The baseline the fixture's drift (baseline parity hashA) was measured on: plan.md since removed, spec.md
    /// since changed, notes.txt not yet there.
    static let baseline = Baseline(
        featureSlug: "042-user-login", missionType: "software-dev", parityHashSHA256: EventFixtures.hashA,
        entries: [
            BaselineEntry(
                key: "plan", relativePath: "plan.md", contentHashSHA256: EventFixtures.hashB,
                requiredStatus: .required),
            BaselineEntry(
                key: "spec", relativePath: "spec.md", contentHashSHA256: EventFixtures.hashC,
                requiredStatus: .required),
        ], acceptedAt: "2026-11-24T18:00:00.000Z", source: "local")

    @Test func mapsEveryEventToAValidContractEnvelope() throws {
        let manifest = try ManifestLoader.load(missionType: "software-dev", repositoryRoot: nil)?.manifest
        let out = try SpecKittyMapper.map(
            Self.feature(baseline: Self.baseline, manifest: manifest), context: Self.context)
        #expect(
            out.map(\.eventType.rawValue) == [
                "MissionDossierArtifactIndexed", "MissionDossierArtifactIndexed", "MissionDossierArtifactIndexed",
                "MissionDossierArtifactMissing", "MissionDossierArtifactMissing", "MissionDossierArtifactMissing",
                "MissionDossierSnapshotComputed", "MissionDossierParityDriftDetected",
                "MissionDossierParityDriftDetected",
                "MissionDossierParityDriftDetected",
            ])
        for event in out {
            let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(event.line()))
            #expect(throws: Never.self) { try SpecKittyValidator.validateEnvelope(parsed) }
        }
        let spec = Self.object(out[0].payload)
        let id = Self.object(spec["artifact_id"])
        #expect(id["path"] == .string("kitty-specs/042-user-login/spec.md"))
        #expect(id["wp_id"] == nil, "nulls are omitted")
        #expect(Self.object(spec["content_ref"])["size_bytes"] == .integer(120))
        #expect(Self.object(spec["context_diagnostics"])["artifact_key"] == .string("spec"))
        #expect(out.map(\.lamportClock).prefix(7) == [100, 101, 102, 103, 104, 105, 106])

        let plan = Self.object(out[3].payload)
        #expect(plan["manifest_step"] == .string(SpecKittyMapperProbe.step("plan", manifest)))
        #expect(plan["manifest_step"] != .string("required_always"))
        #expect(Self.object(plan["context_diagnostics"])["blocking"] == .string("true"))

        let snapshot = Self.object(out[6].payload)
        #expect(snapshot["snapshot_hash"] == .string(EventFixtures.hashC))
        #expect(snapshot["artifact_count"] == .integer(3))
        #expect(snapshot["anomaly_count"] == .integer(3))

        var kinds: [String: [String]] = [:]
        for drift in out[7...] {
            let p = Self.object(drift.payload)
            guard case .string(let kind)? = p["drift_kind"] else { continue }
            var paths: [String] = []
            if case .array(let ids)? = p["artifact_ids_changed"] {
                for i in ids { if case .string(let path)? = Self.object(i)["path"] { paths.append(path) } }
            }
            kinds[kind] = paths
            #expect(drift.causationID == out[6].eventID, "drift is caused by the snapshot it was measured on")
            #expect(p["expected_hash"] == .string(EventFixtures.hashA))
        }
        #expect(
            kinds == [
                "artifact_added": ["kitty-specs/042-user-login/notes.txt"],
                "artifact_removed": ["kitty-specs/042-user-login/plan.md"],
                "artifact_mutated": ["kitty-specs/042-user-login/spec.md"],
            ])
    }

    @Test func withoutItsBaselineRemovedArtifactsKeepOnlyTheirKeysAndNoManifestMeansRequiredAlways() throws {
        let out = try SpecKittyMapper.map(Self.feature(baseline: nil, manifest: nil), context: Self.context)
        let drift = out.filter { $0.eventType == .parityDriftDetected }.map { Self.object($0.payload) }
        #expect(drift.map { $0["drift_kind"] } == [.string("artifact_added"), .string("artifact_removed")])
        #expect(drift[1]["artifact_ids_changed"] == nil)
        #expect(Self.object(drift[1]["context_diagnostics"])["artifact_keys"] == .string("plan"))
        let missing = out.filter { $0.eventType == .artifactMissing }.map { Self.object($0.payload) }
        #expect(missing.allSatisfy { $0["manifest_step"] == .string("required_always") })
    }

    @Test func mappingIsDeterministicAndRefusesAForeignFeature() throws {
        let a = try SpecKittyMapper.map(Self.feature(baseline: Self.baseline, manifest: nil), context: Self.context)
        let b = try SpecKittyMapper.map(Self.feature(baseline: Self.baseline, manifest: nil), context: Self.context)
        #expect(a.map { $0.line() } == b.map { $0.line() })
        var foreign = Self.feature(baseline: nil, manifest: nil)
        foreign.namespace.missionSlug = "043-other"
        #expect(throws: ExportError.self) { try SpecKittyMapper.map(foreign, context: Self.context) }
    }

    @Test func derivedIDsAreUUIDShapedStableAndDistinctPerKind() {
        let id = SpecKittyMapper.derivedID("00000000-0000-4000-8000-000000000001", "artifact_added")
        #expect(id == SpecKittyMapper.derivedID("00000000-0000-4000-8000-000000000001", "artifact_added"))
        #expect(id != SpecKittyMapper.derivedID("00000000-0000-4000-8000-000000000001", "artifact_removed"))
        let parts = id.split(separator: "-").map(\.count)
        #expect(parts == [8, 4, 4, 4, 12])
        #expect(Array(id)[14] == "8")
    }

    static func payload(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static let ns =
        #"{"project_uuid":"p","mission_slug":"m","target_branch":"main","mission_type":"software-dev","#
        + #""manifest_version":"1"}"#
    static let goodID = #"{"path":"p","artifact_class":"input","mission_type":"x"}"#
    static let goodRef = #"{"hash":"ab","algorithm":"sha256"}"#

    /// An indexed payload (namespace as `NS`) with the given artifact id, content ref and extra fields.
    static func indexed(id: String = goodID, ref: String = goodRef, time: String = "t", extra: String = "") -> String {
        #"{"namespace":NS,"artifact_id":"# + id + #","content_ref":"# + ref + #","indexed_at":""# + time + "\""
            + extra + "}"
    }

    @Test(arguments: [
        (
            indexed(id: #"{"artifact_class":"input","mission_type":"x"}"#), "artifact_id.path",
            EventValidationError.Kind.missingField
        ),
        (
            indexed(id: #"{"path":"p","artifact_class":"BAD","mission_type":"x"}"#), "artifact_id.artifact_class",
            .invalidValue
        ),
        (indexed(ref: #"{"hash":"ab","algorithm":"sha256","size_bytes":-1}"#), "content_ref.size_bytes", .invalidValue),
        (indexed(extra: #","colour":"red""#), "colour", .unknownField),
        (indexed(extra: #","context_diagnostics":{"blocking":true}"#), "context_diagnostics.blocking", .wrongType),
    ])
    func contractViolationsNameTheField(_ text: String, _ field: String, _ kind: EventValidationError.Kind) throws {
        let value = try Self.payload(text.replacingOccurrences(of: "NS", with: Self.ns))
        do {
            try SpecKittyValidator.validatePayload(value, type: .artifactIndexed)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.field == field)
            #expect(error.kind == kind)
            #expect(error.description.contains("'\(field)'"))
        }
    }

    @Test func envelopeRulesFollowTheEventModel() throws {
        let good = try SpecKittyMapper.map(Self.feature(baseline: nil, manifest: nil), context: Self.context)[0]
        guard case .object(let base) = good.json else { return }
        func check(_ key: String, _ value: JSONValue?) -> String? {
            var o = base
            o[key] = value
            do {
                try SpecKittyValidator.validateEnvelope(.object(o))
                return nil
            } catch {
                return error.field
            }
        }
        #expect(check("event_id", .string("01JNRDR1FT0000000000000001")) == nil, "ULIDs are accepted")
        #expect(check("event_id", .string("01JNRDR1FT000000000000000I")) == "event_id", "I is not Crockford base32")
        #expect(check("project_uuid", .string("not-a-uuid")) == "project_uuid")
        #expect(check("timestamp", .string("2026-13-01T00:00:00Z")) == "timestamp")
        #expect(check("timestamp", .string("2026-02-21T14:00:00+01:00")) == nil)
        #expect(check("lamport_clock", .integer(-1)) == "lamport_clock")
        #expect(check("schema_version", .string("3.0")) == "schema_version")
        #expect(check("build_id", .string("")) == "build_id")
        #expect(check("event_type", .string("WPStatusChanged")) == "event_type")
        #expect(check("surprise", .bool(true)) == "surprise")
    }

    static func envelope(_ id: String, _ clock: Int64, _ payload: String) -> JSONValue {
        let type = "MissionDossierArtifactIndexed"
        let text =
            #"{"event_id":"\#(id)","event_type":"\#(type)","lamport_clock":\#(clock),"#
            + #""timestamp":"2026-02-21T14:00:0\#(clock)Z","payload":\#(payload)}"#
        return (try? payloadValue(text)) ?? .null
    }

    static func payloadValue(_ text: String) throws -> JSONValue {
        try payload(text.replacingOccurrences(of: "NS", with: ns))
    }

    @Test func reducerOrdersDeduplicatesSupersedesAndRefusesMixedNamespaces() throws {
        let a = #"{"path":"a","artifact_class":"input","mission_type":"x"}"#
        let spec1 = Self.indexed(id: a, ref: #"{"hash":"h1","algorithm":"sha256"}"#, time: "t1")
        let spec2 = Self.indexed(
            id: a, ref: #"{"hash":"h2","algorithm":"sha256"}"#, time: "t2", extra: #","supersedes":"# + a)
        let bad = Self.indexed(
            id: #"{"artifact_class":"input","mission_type":"x"}"#, ref: #"{"hash":"h3","algorithm":"sha256"}"#,
            time: "t3")
        let state = try DossierStreamReducer.reduce([
            Self.envelope("01JNRDR1FT0000000000000002", 2, spec2),
            Self.envelope("01JNRDR1FT0000000000000001", 1, spec1),
            Self.envelope("01jnrdr1ft0000000000000001", 1, spec1), Self.envelope("01JNRDR1FT0000000000000003", 3, bad),
        ])
        let o = Self.object(state)
        #expect(o["event_count"] == .integer(3), "the lower-case ULID is the same event")
        let entry = Self.object(Self.object(o["artifacts"])["a"])
        #expect(Self.object(entry["content_ref"])["hash"] == .string("h2"), "the later clock wins")
        #expect(Self.object(entry["content_ref"])["encoding"] == .null, "absent optionals are written as null")
        #expect(o["parity_status"] == .string("unknown"))

        let other = spec1.replacingOccurrences(of: "NS", with: Self.ns.replacingOccurrences(of: "\"m\"", with: "\"n\""))
        #expect(throws: DossierStreamReducer.ReduceError.self) {
            try DossierStreamReducer.reduce([
                Self.envelope("01JNRDR1FT0000000000000001", 1, spec1),
                Self.envelope("01JNRDR1FT0000000000000002", 2, other),
            ])
        }
    }

    @Test func orderKeyIsTheUTCTextPythonWrites() {
        // Expected values: `datetime.fromisoformat(x).astimezone(timezone.utc).isoformat()` in Python 3.11.
        #expect(UTCOrderKey.key("2026-02-21T14:00:00.000Z") == "2026-02-21T14:00:00+00:00")
        #expect(UTCOrderKey.key("2026-02-21T14:00:00.5Z") == "2026-02-21T14:00:00.500000+00:00")
        #expect(UTCOrderKey.key("2026-03-01T00:30:00+01:00") == "2026-02-28T23:30:00+00:00")
        #expect(UTCOrderKey.key("2024-12-31T23:00:00-02:00") == "2025-01-01T01:00:00+00:00")
        #expect(UTCOrderKey.key("2026-02-21T14:00:00") == "2026-02-21T14:00:00", "naive times are left alone")
        #expect(UTCOrderKey.key("yesterday") == "yesterday")
    }

    @Test func targetBranchFromMetaJSONThenGitThenMain() throws {
        #expect(TargetBranchResolver.branch(inHEAD: Array("ref: refs/heads/feature/x\n".utf8)) == "feature/x")
        #expect(TargetBranchResolver.branch(inHEAD: Array("0123456789abcdef0123456789abcdef01234567\n".utf8)) == nil)
        #expect(TargetBranchResolver.branch(inMetaJSON: Array(#"{"target_branch":"2.x"}"#.utf8)) == "2.x")
        #expect(TargetBranchResolver.branch(inMetaJSON: Array(#"{"target_branch":""}"#.utf8)) == nil)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ske-git-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fs = PosixFileSystem()
        try FileManager.default.createDirectory(atPath: dir + "/repo", withIntermediateDirectories: true)
        #expect(TargetBranchResolver.resolve(metaJSON: nil, repositoryRoot: dir + "/repo", fileSystem: fs) == "main")
        // A linked worktree: `.git` is a file pointing at the worktree's git folder.
        try FileManager.default.createDirectory(
            atPath: dir + "/main.git/worktrees/w", withIntermediateDirectories: true)
        try Data("ref: refs/heads/release\n".utf8).write(to: URL(fileURLWithPath: dir + "/main.git/worktrees/w/HEAD"))
        try Data("gitdir: ../main.git/worktrees/w\n".utf8).write(to: URL(fileURLWithPath: dir + "/repo/.git"))
        #expect(TargetBranchResolver.resolve(metaJSON: nil, repositoryRoot: dir + "/repo", fileSystem: fs) == "release")
        #expect(
            TargetBranchResolver.resolve(
                metaJSON: Array(#"{"target_branch":"2.x"}"#.utf8), repositoryRoot: dir + "/repo", fileSystem: fs)
                == "2.x")
        // Detached HEAD in a plain checkout: no branch, so main.
        try FileManager.default.removeItem(atPath: dir + "/repo/.git")
        try FileManager.default.createDirectory(atPath: dir + "/repo/.git", withIntermediateDirectories: true)
        try Data("0123456789abcdef0123456789abcdef01234567\n".utf8).write(
            to: URL(fileURLWithPath: dir + "/repo/.git/HEAD"))
        #expect(TargetBranchResolver.resolve(metaJSON: nil, repositoryRoot: dir + "/repo", fileSystem: fs) == "main")
    }

    @Test func projectUUIDIsPersistedOwnerOnlyAndClockIsMonotonic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ske-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = ProjectIdentityStore(stateDirectory: dir + "/state")
        let first = try store.projectUUID()
        #expect(try store.projectUUID() == first)
        #expect(Array(first)[14] == "4", "a UUID4")
        let perms = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(perms == 0o600)
        let dirPerms = try FileManager.default.attributesOfItem(atPath: dir + "/state")[.posixPermissions] as? Int
        #expect(dirPerms == 0o700)
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: store.path))
        #expect(throws: ExportError.self) { try store.projectUUID() }

        let clock = ExportClockStore(stateDirectory: dir + "/state")
        #expect(try clock.reserve(3) == 1)
        #expect(try clock.reserve(2) == 4)
        #expect(try clock.reserve(1) == 6)
        try Data("-5".utf8).write(to: URL(fileURLWithPath: clock.path))
        #expect(throws: ExportError.self) { try clock.reserve(1) }
    }
}

/// Reads the step the manifest gives a key, independently of the mapper (the first ordered entry with that key).
enum SpecKittyMapperProbe {
    static func step(_ key: String, _ manifest: Manifest?) -> String {
        manifest?.orderedEntries.first { $0.entry.artifactKey == key }?.step ?? "required_always"
    }
}
