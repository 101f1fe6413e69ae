/// How serious a drift is: error when a required artifact disappeared, warning when
/// artifacts were added, removed or changed, info when only optional ones changed.
public enum DriftSeverity: String, Codable, CaseIterable, Sendable, Comparable {
    case info, warning, error

    private var rank: Int { [.info: 0, .warning: 1, .error: 2][self]! }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// An artifact whose content hash differs from the baseline's.
public struct ChangedArtifact: Codable, Sendable, Equatable {
    public var key: String
    public var relativePath: String
    public var baselineHash: String
    public var localHash: String

    public init(key: String, relativePath: String, baselineHash: String, localHash: String) {
        self.key = key
        self.relativePath = relativePath
        self.baselineHash = baselineHash
        self.localHash = localHash
    }

    enum CodingKeys: String, CodingKey {
        case key
        case relativePath = "relative_path"
        case baselineHash = "baseline_hash"
        case localHash = "local_hash"
    }
}

/// What changed between a baseline and the current snapshot. `hasDrift` iff the parity hashes differ.
public struct DriftReport: Codable, Sendable, Equatable {
    public var featureSlug: String
    public var localParityHash: String
    public var baselineParityHash: String
    /// Keys in the baseline that are not present now.
    public var missingInLocal: [String]
    /// Keys present now that the baseline does not have.
    public var missingInBaseline: [String]
    public var changed: [ChangedArtifact]
    public var severity: DriftSeverity
    public var hasDrift: Bool { localParityHash != baselineParityHash }

    public init(
        featureSlug: String, localParityHash: String, baselineParityHash: String, missingInLocal: [String],
        missingInBaseline: [String], changed: [ChangedArtifact], severity: DriftSeverity
    ) {
        self.featureSlug = featureSlug
        self.localParityHash = localParityHash
        self.baselineParityHash = baselineParityHash
        self.missingInLocal = missingInLocal
        self.missingInBaseline = missingInBaseline
        self.changed = changed
        self.severity = severity
    }

    enum CodingKeys: String, CodingKey {
        case featureSlug = "feature_slug"
        case localParityHash = "local_parity_hash"
        case baselineParityHash = "baseline_parity_hash"
        case missingInLocal = "missing_in_local"
        case missingInBaseline = "missing_in_baseline"
        case changed
        case severity
        case hasDrift = "has_drift"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        featureSlug = try c.decode(String.self, forKey: .featureSlug)
        localParityHash = try c.decode(String.self, forKey: .localParityHash)
        baselineParityHash = try c.decode(String.self, forKey: .baselineParityHash)
        missingInLocal = try c.decode([String].self, forKey: .missingInLocal)
        missingInBaseline = try c.decode([String].self, forKey: .missingInBaseline)
        changed = try c.decode([ChangedArtifact].self, forKey: .changed)
        severity = try c.decode(DriftSeverity.self, forKey: .severity)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(featureSlug, forKey: .featureSlug)
        try c.encode(localParityHash, forKey: .localParityHash)
        try c.encode(baselineParityHash, forKey: .baselineParityHash)
        try c.encode(missingInLocal, forKey: .missingInLocal)
        try c.encode(missingInBaseline, forKey: .missingInBaseline)
        try c.encode(changed, forKey: .changed)
        try c.encode(severity, forKey: .severity)
        try c.encode(hasDrift, forKey: .hasDrift)
    }
}
