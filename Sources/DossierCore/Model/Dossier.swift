/// The audited index of one feature folder: what a scan produces (§3).
public struct Dossier: Sendable, Equatable {
    /// The feature folder's name, e.g. `042-user-login`.
    public var featureSlug: String
    /// Absolute path of the feature folder that was scanned.
    public var featureDirectory: String
    /// Mission type from `--mission`, `meta.json` or the default `software-dev`.
    public var missionType: String
    /// The step requirements are computed for; nil when the mission type has no manifest.
    public var currentStep: String?
    /// Where the current step came from: `flag`, `meta.json`, `inferred`, or `none`.
    public var stepSource: StepSource
    /// Every present artifact and every expected-but-absent required one, sorted by the UTF-8 bytes of the path.
    public var artifacts: [Artifact]
    /// Anomalies not tied to one artifact (unreadable folders, skipped symlinks, bad `meta.json`...).
    public var anomalies: [Anomaly]

    public init(
        featureSlug: String, featureDirectory: String, missionType: String, currentStep: String?,
        stepSource: StepSource, artifacts: [Artifact], anomalies: [Anomaly]
    ) {
        self.featureSlug = featureSlug
        self.featureDirectory = featureDirectory
        self.missionType = missionType
        self.currentStep = currentStep
        self.stepSource = stepSource
        self.artifacts = artifacts
        self.anomalies = anomalies
    }
}
