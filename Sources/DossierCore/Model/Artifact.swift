/// One entry of a dossier: a file that is present, or a required file the manifest expects and that is absent.
public struct Artifact: Sendable, Equatable {
    /// Unique within the dossier, stable, derived from the feature-relative path.
    public var key: String
    public var artifactClass: ArtifactClass
    /// Feature-relative path with `/` separators, as the file system gives it (no Unicode normalisation).
    /// For a missing artifact: the manifest's path pattern.
    public var relativePath: String
    /// Lowercase hex SHA-256 of the raw bytes; nil when not present or not readable.
    public var contentHashSHA256: String?
    public var sizeBytes: Int64?
    /// `WP\d\d` from `tasks/WPnn*.md`.
    public var wpID: String?
    /// The manifest step that requires the artifact, if any.
    public var stepID: String?
    public var requiredStatus: RequiredStatus
    /// True when the file exists (even if unreadable); false for an expected artifact that is absent.
    public var present: Bool
    /// The problem with this artifact, if any.
    public var anomaly: Anomaly?
    /// For manifest-matched entries: the pattern that matched (or that was expected, when missing).
    public var pathPattern: String?

    public init(
        key: String, artifactClass: ArtifactClass, relativePath: String, contentHashSHA256: String?,
        sizeBytes: Int64?, wpID: String? = nil, stepID: String? = nil, requiredStatus: RequiredStatus,
        present: Bool, anomaly: Anomaly? = nil, pathPattern: String? = nil
    ) {
        self.key = key
        self.artifactClass = artifactClass
        self.relativePath = relativePath
        self.contentHashSHA256 = contentHashSHA256
        self.sizeBytes = sizeBytes
        self.wpID = wpID
        self.stepID = stepID
        self.requiredStatus = requiredStatus
        self.present = present
        self.anomaly = anomaly
        self.pathPattern = pathPattern
    }

    /// Present, hashed and without a blocking anomaly: counts as "present and valid" for completeness.
    public var isValid: Bool {
        present && contentHashSHA256 != nil && anomaly.map { $0.kind == .emptyFile || $0.kind == .unusualName } ?? true
    }
}
