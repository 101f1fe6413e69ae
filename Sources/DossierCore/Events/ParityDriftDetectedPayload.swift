/// Payload of `mission_dossier_parity_drift_detected`: only when a baseline exists and differs.
public struct ParityDriftDetectedPayload: Sendable, Equatable {
    public var featureSlug: String
    public var localParityHash: String
    public var baselineParityHash: String
    /// Artifact keys in the baseline that are not present now.
    public var missingInLocal: [String]
    /// Artifact keys present now that the baseline does not have.
    public var missingInBaseline: [String]
    public var severity: DriftSeverity

    public init(
        featureSlug: String, localParityHash: String, baselineParityHash: String, missingInLocal: [String],
        missingInBaseline: [String], severity: DriftSeverity
    ) {
        self.featureSlug = featureSlug
        self.localParityHash = localParityHash
        self.baselineParityHash = baselineParityHash
        self.missingInLocal = missingInLocal
        self.missingInBaseline = missingInBaseline
        self.severity = severity
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case featureSlug = "feature_slug"
        case localParityHash = "local_parity_hash"
        case baselineParityHash = "baseline_parity_hash"
        case missingInLocal = "missing_in_local"
        case missingInBaseline = "missing_in_baseline"
        case severity
    }

    /// Checks the value rules (hashes, non-empty slug and keys).
    public func validate() throws(EventValidationError) {
        let t = EventType.parityDriftDetected
        try EventRules.nonEmpty(featureSlug, t, "payload.feature_slug")
        try EventRules.hash(localParityHash, t, "payload.local_parity_hash")
        try EventRules.hash(baselineParityHash, t, "payload.baseline_parity_hash")
        for (i, key) in missingInLocal.enumerated() {
            try EventRules.nonEmpty(key, t, "payload.missing_in_local[\(i)]")
        }
        for (i, key) in missingInBaseline.enumerated() {
            try EventRules.nonEmpty(key, t, "payload.missing_in_baseline[\(i)]")
        }
    }

    init(reading r: FieldReader) throws(EventValidationError) {
        let t = EventType.parityDriftDetected
        try r.rejectUnknown(allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        self.init(
            featureSlug: try r.string("feature_slug"),
            localParityHash: try r.string("local_parity_hash"),
            baselineParityHash: try r.string("baseline_parity_hash"),
            missingInLocal: try r.stringArray("missing_in_local"),
            missingInBaseline: try r.stringArray("missing_in_baseline"),
            severity: try EventRules.oneOf(try r.string("severity"), DriftSeverity.self, t, "payload.severity"))
        try validate()
    }
}
