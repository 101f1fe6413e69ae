/// Payload of `mission_dossier_artifact_indexed`: one per present, hashed artifact.
public struct ArtifactIndexedPayload: Sendable, Equatable {
    public var featureSlug: String
    public var artifactKey: String
    public var artifactClass: ArtifactClass
    public var relativePath: String
    /// Lowercase hex SHA-256 of the raw bytes.
    public var contentHashSHA256: String
    public var sizeBytes: Int64
    /// `WPnn` for work-package files; written as explicit `null` when absent.
    public var wpID: String?
    /// The manifest step that requires the artifact; explicit `null` when none.
    public var stepID: String?
    public var requiredStatus: RequiredStatus

    public init(
        featureSlug: String, artifactKey: String, artifactClass: ArtifactClass, relativePath: String,
        contentHashSHA256: String, sizeBytes: Int64, wpID: String?, stepID: String?, requiredStatus: RequiredStatus
    ) {
        self.featureSlug = featureSlug
        self.artifactKey = artifactKey
        self.artifactClass = artifactClass
        self.relativePath = relativePath
        self.contentHashSHA256 = contentHashSHA256
        self.sizeBytes = sizeBytes
        self.wpID = wpID
        self.stepID = stepID
        self.requiredStatus = requiredStatus
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case featureSlug = "feature_slug"
        case artifactKey = "artifact_key"
        case artifactClass = "artifact_class"
        case relativePath = "relative_path"
        case contentHashSHA256 = "content_hash_sha256"
        case sizeBytes = "size_bytes"
        case wpID = "wp_id"
        case stepID = "step_id"
        case requiredStatus = "required_status"
    }

    /// Checks the value rules.
    public func validate() throws(EventValidationError) {
        let t = EventType.artifactIndexed
        try EventRules.nonEmpty(featureSlug, t, "payload.feature_slug")
        try EventRules.nonEmpty(artifactKey, t, "payload.artifact_key")
        try EventRules.nonEmpty(relativePath, t, "payload.relative_path")
        try EventRules.hash(contentHashSHA256, t, "payload.content_hash_sha256")
        try EventRules.nonNegative(sizeBytes, t, "payload.size_bytes")
        try EventRules.optionalNonEmpty(wpID, t, "payload.wp_id")
        try EventRules.optionalNonEmpty(stepID, t, "payload.step_id")
    }

    init(reading r: FieldReader) throws(EventValidationError) {
        let t = EventType.artifactIndexed
        try r.rejectUnknown(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        self.init(
            featureSlug: try r.string("feature_slug"),
            artifactKey: try r.string("artifact_key"),
            artifactClass: try EventRules.oneOf(
                try r.string("artifact_class"), ArtifactClass.self, t, "payload.artifact_class"),
            relativePath: try r.string("relative_path"),
            contentHashSHA256: try r.string("content_hash_sha256"),
            sizeBytes: try r.integer("size_bytes"),
            wpID: try r.optionalString("wp_id"),
            stepID: try r.optionalString("step_id"),
            requiredStatus: try EventRules.oneOf(
                try r.string("required_status"), RequiredStatus.self, t, "payload.required_status"))
        try validate()
    }
}
