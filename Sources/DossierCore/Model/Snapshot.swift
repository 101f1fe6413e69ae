/// Counts of a snapshot (`artifact_counts`). Invariant: required = requiredPresent + requiredMissing.
public struct ArtifactCounts: Sendable, Equatable {
    public var total: Int
    public var required: Int
    public var requiredPresent: Int
    public var requiredMissing: Int
    public var optional: Int
    public var optionalPresent: Int

    public init(total: Int, required: Int, requiredPresent: Int, requiredMissing: Int, optional: Int, optionalPresent: Int) {
        self.total = total
        self.required = required
        self.requiredPresent = requiredPresent
        self.requiredMissing = requiredMissing
        self.optional = optional
        self.optionalPresent = optionalPresent
    }
}

/// A deterministic summary of a dossier: counts, completeness and the parity hash.
public struct Snapshot: Sendable, Equatable {
    public var featureSlug: String
    public var missionType: String
    public var currentStep: String?
    public var counts: ArtifactCounts
    public var completeness: Completeness
    /// Lowercase hex SHA-256 of the `path\thash` lines of the present artifacts.
    public var parityHashSHA256: String
    /// Deterministic id of this snapshot (derived from slug, mission, step and parity hash).
    public var snapshotID: String

    public init(
        featureSlug: String, missionType: String, currentStep: String?, counts: ArtifactCounts,
        completeness: Completeness, parityHashSHA256: String, snapshotID: String
    ) {
        self.featureSlug = featureSlug
        self.missionType = missionType
        self.currentStep = currentStep
        self.counts = counts
        self.completeness = completeness
        self.parityHashSHA256 = parityHashSHA256
        self.snapshotID = snapshotID
    }
}
