/// The dossier models of spec-kitty-events (`spec_kitty_events/dossier.py`, identical in 6.1.0 and 11.0.0) as data:
/// every model forbids extra fields; `required` fields must be present, optional ones may be absent or null.
public enum SpecKittyContract {
    /// What one field accepts.
    public indirect enum FieldType: Sendable {
        /// A string of at least `minLength` characters.
        case string(minLength: Int)
        /// One of the listed strings.
        case oneOf([String])
        /// An integer >= `minimum`.
        case integer(minimum: Int64)
        case model(Model)
        /// An array of `model` objects (a tuple in the package).
        case modelArray(Model)
        case stringArray
        /// An object whose values are all strings (`Dict[str, str]`).
        case stringMap
    }

    /// One field of a model.
    public struct Field: Sendable {
        public var name: String
        public var type: FieldType
        public var required: Bool
    }

    /// A pydantic model with `extra="forbid"`.
    public struct Model: Sendable {
        public var name: String
        public var fields: [Field]
    }

    static func req(_ name: String, _ type: FieldType) -> Field { Field(name: name, type: type, required: true) }
    static func opt(_ name: String, _ type: FieldType) -> Field { Field(name: name, type: type, required: false) }

    static let text = FieldType.string(minLength: 0)
    static let nonEmpty = FieldType.string(minLength: 1)
    static let artifactClasses = ArtifactClass.allCases.map(\.rawValue)
    static let driftKinds = [
        "artifact_added", "artifact_removed", "artifact_mutated", "anomaly_introduced", "anomaly_resolved",
        "manifest_version_changed",
    ]
    static let algorithms = ["sha256", "sha512", "md5"]

    public static let namespace = Model(
        name: "LocalNamespaceTuple",
        fields: [
            req("project_uuid", nonEmpty), req("mission_slug", nonEmpty), req("target_branch", nonEmpty),
            req("mission_type", nonEmpty), req("manifest_version", nonEmpty), opt("step_id", text),
        ])
    public static let artifactIdentity = Model(
        name: "ArtifactIdentity",
        fields: [
            req("mission_type", nonEmpty), req("path", nonEmpty), req("artifact_class", .oneOf(artifactClasses)),
            opt("run_id", text), opt("wp_id", text),
        ])
    public static let contentHashRef = Model(
        name: "ContentHashRef",
        fields: [
            req("hash", nonEmpty), req("algorithm", .oneOf(algorithms)), opt("size_bytes", .integer(minimum: 0)),
            opt("encoding", text),
        ])
    public static let provenanceRef = Model(
        name: "ProvenanceRef",
        fields: [
            opt("source_event_ids", .stringArray), opt("git_sha", text), opt("git_ref", text), opt("actor_id", text),
            opt("actor_kind", .oneOf(["human", "llm", "system"])), opt("revised_at", text),
        ])

    /// The payload model of each event type.
    public static func payload(_ type: SpecKittyEventType) -> Model {
        switch type {
        case .artifactIndexed:
            return Model(
                name: "MissionDossierArtifactIndexedPayload",
                fields: [
                    req("namespace", .model(namespace)), req("artifact_id", .model(artifactIdentity)),
                    req("content_ref", .model(contentHashRef)), req("indexed_at", text),
                    opt("provenance", .model(provenanceRef)), opt("step_id", text),
                    opt("supersedes", .model(artifactIdentity)), opt("context_diagnostics", .stringMap),
                ])
        case .artifactMissing:
            return Model(
                name: "MissionDossierArtifactMissingPayload",
                fields: [
                    req("namespace", .model(namespace)), req("expected_identity", .model(artifactIdentity)),
                    req("manifest_step", nonEmpty), req("checked_at", text),
                    opt("last_known_ref", .model(provenanceRef)), opt("remediation_hint", text),
                    opt("context_diagnostics", .stringMap),
                ])
        case .snapshotComputed:
            return Model(
                name: "MissionDossierSnapshotComputedPayload",
                fields: [
                    req("namespace", .model(namespace)), req("snapshot_hash", nonEmpty),
                    req("artifact_count", .integer(minimum: 0)), req("anomaly_count", .integer(minimum: 0)),
                    req("computed_at", text), opt("algorithm", .oneOf(algorithms)),
                    opt("context_diagnostics", .stringMap),
                ])
        case .parityDriftDetected:
            return Model(
                name: "MissionDossierParityDriftDetectedPayload",
                fields: [
                    req("namespace", .model(namespace)), req("expected_hash", nonEmpty), req("actual_hash", nonEmpty),
                    req("drift_kind", .oneOf(driftKinds)), req("detected_at", text),
                    opt("artifact_ids_changed", .modelArray(artifactIdentity)), opt("rebuild_hint", text),
                    opt("context_diagnostics", .stringMap),
                ])
        }
    }

    /// Guesses the event type of a bare payload from the field only that type has (`artifact_id`,
    /// `expected_identity`, `snapshot_hash`, `drift_kind`); nil when none or several match.
    public static func inferType(of payload: [String: JSONValue]) -> SpecKittyEventType? {
        let marks: [(String, SpecKittyEventType)] = [
            ("artifact_id", .artifactIndexed), ("expected_identity", .artifactMissing),
            ("snapshot_hash", .snapshotComputed), ("drift_kind", .parityDriftDetected),
        ]
        let found = marks.filter { payload[$0.0] != nil }
        return found.count == 1 ? found[0].1 : nil
    }
}
