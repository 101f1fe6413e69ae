/// Why a required artifact is reported missing (`reason_code`).
public enum MissingReason: String, CaseIterable, Sendable, Codable {
    /// No file matches the expected path pattern.
    case notFound = "not_found"
    /// The file exists but could not be read (or was not hashed: outside symlink, not a regular file).
    case unreadable
    /// The file exists but is not valid for its format (e.g. a text artifact that is not UTF-8).
    case invalidFormat = "invalid_format"
    /// The file was listed but disappeared before it could be hashed.
    case deletedAfterScan = "deleted_after_scan"
}

/// Payload of `mission_dossier_artifact_missing`: a required artifact missing or invalid.
public struct ArtifactMissingPayload: Sendable, Equatable {
    public var featureSlug: String
    public var artifactKey: String
    public var artifactClass: ArtifactClass
    /// The manifest pattern the artifact was expected at (or its path when it exists but is invalid).
    public var expectedPathPattern: String
    public var reasonCode: MissingReason
    /// A human sentence; explicit `null` when there is nothing to add.
    public var reasonDetail: String?
    /// Whether the artifact blocks completeness (true for every required artifact).
    public var blocking: Bool

    public init(
        featureSlug: String, artifactKey: String, artifactClass: ArtifactClass, expectedPathPattern: String,
        reasonCode: MissingReason, reasonDetail: String?, blocking: Bool
    ) {
        self.featureSlug = featureSlug
        self.artifactKey = artifactKey
        self.artifactClass = artifactClass
        self.expectedPathPattern = expectedPathPattern
        self.reasonCode = reasonCode
        self.reasonDetail = reasonDetail
        self.blocking = blocking
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case featureSlug = "feature_slug"
        case artifactKey = "artifact_key"
        case artifactClass = "artifact_class"
        case expectedPathPattern = "expected_path_pattern"
        case reasonCode = "reason_code"
        case reasonDetail = "reason_detail"
        case blocking
    }

    /// Checks the value rules.
    public func validate() throws(EventValidationError) {
        let t = EventType.artifactMissing
        try EventRules.nonEmpty(featureSlug, t, "payload.feature_slug")
        try EventRules.nonEmpty(artifactKey, t, "payload.artifact_key")
        try EventRules.nonEmpty(expectedPathPattern, t, "payload.expected_path_pattern")
    }

    init(reading r: FieldReader) throws(EventValidationError) {
        let t = EventType.artifactMissing
        try r.rejectUnknown(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        self.init(
            featureSlug: try r.string("feature_slug"),
            artifactKey: try r.string("artifact_key"),
            artifactClass: try EventRules.oneOf(
                try r.string("artifact_class"), ArtifactClass.self, t, "payload.artifact_class"),
            expectedPathPattern: try r.string("expected_path_pattern"),
            reasonCode: try EventRules.oneOf(try r.string("reason_code"), MissingReason.self, t, "payload.reason_code"),
            reasonDetail: try r.optionalString("reason_detail"),
            blocking: try r.bool("blocking"))
        try validate()
    }
}
