/// Payload of `mission_dossier_snapshot_computed`: always once per scan, after the artifact events.
public struct SnapshotComputedPayload: Sendable, Equatable {
    public var featureSlug: String
    public var parityHashSHA256: String
    /// Invariants checked: all counts >= 0, required = required_present + required_missing,
    /// optional_present <= optional.
    public var artifactCounts: ArtifactCounts
    public var completenessStatus: Completeness
    public var snapshotID: String

    public init(
        featureSlug: String, parityHashSHA256: String, artifactCounts: ArtifactCounts,
        completenessStatus: Completeness, snapshotID: String
    ) {
        self.featureSlug = featureSlug
        self.parityHashSHA256 = parityHashSHA256
        self.artifactCounts = artifactCounts
        self.completenessStatus = completenessStatus
        self.snapshotID = snapshotID
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case featureSlug = "feature_slug"
        case parityHashSHA256 = "parity_hash_sha256"
        case artifactCounts = "artifact_counts"
        case completenessStatus = "completeness_status"
        case snapshotID = "snapshot_id"
    }

    static let countKeys = [
        "total", "required", "required_present", "required_missing", "optional", "optional_present",
    ]

    /// Checks the value rules, including count consistency (which JSON Schema cannot express).
    public func validate() throws(EventValidationError) {
        let t = EventType.snapshotComputed
        try EventRules.nonEmpty(featureSlug, t, "payload.feature_slug")
        try EventRules.hash(parityHashSHA256, t, "payload.parity_hash_sha256")
        let c = artifactCounts
        let values = [c.total, c.required, c.requiredPresent, c.requiredMissing, c.optional, c.optionalPresent]
        for (key, value) in zip(Self.countKeys, values) {
            try EventRules.nonNegative(Int64(value), t, "payload.artifact_counts.\(key)")
        }
        if c.required != c.requiredPresent + c.requiredMissing {
            throw EventRules.invalid(
                t, "payload.artifact_counts.required", String(c.required),
                "required = required_present + required_missing (\(c.requiredPresent) + \(c.requiredMissing))")
        }
        if c.optionalPresent > c.optional {
            throw EventRules.invalid(
                t, "payload.artifact_counts.optional_present", String(c.optionalPresent),
                "optional_present <= optional (\(c.optional))")
        }
        try EventRules.nonEmpty(snapshotID, t, "payload.snapshot_id")
    }

    init(reading r: FieldReader) throws(EventValidationError) {
        let t = EventType.snapshotComputed
        try r.rejectUnknown(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let featureSlug = try r.string("feature_slug")
        let parity = try r.string("parity_hash_sha256")
        let countsReader = try r.nested("artifact_counts")
        try countsReader.rejectUnknown(allowed: Set(Self.countKeys))
        var numbers: [Int] = []
        for key in Self.countKeys {
            let n = try countsReader.integer(key)
            guard let value = Int(exactly: n) else { throw countsReader.wrongType(key, .integer(n), "an integer") }
            numbers.append(value)
        }
        let counts = ArtifactCounts(
            total: numbers[0], required: numbers[1], requiredPresent: numbers[2], requiredMissing: numbers[3],
            optional: numbers[4], optionalPresent: numbers[5])
        self.init(
            featureSlug: featureSlug, parityHashSHA256: parity, artifactCounts: counts,
            completenessStatus: try EventRules.oneOf(
                try r.string("completeness_status"), Completeness.self, t, "payload.completeness_status"),
            snapshotID: try r.string("snapshot_id"))
        try validate()
    }
}
