/// The contract's `ArtifactIdentity`: one artifact by repository-relative path (`kitty-specs/<slug>/<path>`),
/// class and mission type, with the work package when there is one.
public struct ArtifactIdentity: Sendable, Equatable {
    public var missionType: String
    /// Repository-relative path with `/` separators.
    public var path: String
    public var artifactClass: ArtifactClass
    public var wpID: String?

    public init(missionType: String, path: String, artifactClass: ArtifactClass, wpID: String?) {
        self.missionType = missionType
        self.path = path
        self.artifactClass = artifactClass
        self.wpID = wpID
    }

    /// The JSON object, absent `wp_id` omitted.
    public var json: JSONValue {
        ExportJSON.object([
            ("mission_type", .string(missionType)), ("path", .string(path)),
            ("artifact_class", .string(artifactClass.rawValue)), ("wp_id", wpID.map(JSONValue.string)),
        ])
    }
}
