/// The contract's `LocalNamespaceTuple`: the key that scopes one mission's dossier stream. The package's reducer
/// rejects a stream mixing two namespaces (step_id aside), so dossier exports one stream per feature.
public struct DossierNamespace: Sendable, Equatable {
    /// The repository's persisted UUID4 (see `ProjectIdentityStore`).
    public var projectUUID: String
    /// The feature folder's name.
    public var missionSlug: String
    /// `target_branch` of `meta.json`, else the checked-out git branch, else `main`.
    public var targetBranch: String
    public var missionType: String
    /// The manifest's `manifest_version`, `none` when the mission type has no manifest.
    public var manifestVersion: String
    /// The current step, when known.
    public var stepID: String?

    public init(
        projectUUID: String, missionSlug: String, targetBranch: String, missionType: String, manifestVersion: String,
        stepID: String?
    ) {
        self.projectUUID = projectUUID
        self.missionSlug = missionSlug
        self.targetBranch = targetBranch
        self.missionType = missionType
        self.manifestVersion = manifestVersion
        self.stepID = stepID
    }

    /// The JSON object, absent `step_id` omitted.
    public var json: JSONValue {
        ExportJSON.object([
            ("project_uuid", .string(projectUUID)), ("mission_slug", .string(missionSlug)),
            ("target_branch", .string(targetBranch)), ("mission_type", .string(missionType)),
            ("manifest_version", .string(manifestVersion)), ("step_id", stepID.map(JSONValue.string)),
        ])
    }
}
