/// One artifact as recorded in a baseline.
public struct BaselineEntry: Codable, Sendable, Equatable {
    public var key: String
    public var relativePath: String
    public var contentHashSHA256: String
    public var requiredStatus: RequiredStatus

    public init(key: String, relativePath: String, contentHashSHA256: String, requiredStatus: RequiredStatus) {
        self.key = key
        self.relativePath = relativePath
        self.contentHashSHA256 = contentHashSHA256
        self.requiredStatus = requiredStatus
    }

    enum CodingKeys: String, CodingKey {
        case key
        case relativePath = "relative_path"
        case contentHashSHA256 = "content_hash_sha256"
        case requiredStatus = "required_status"
    }
}

/// The accepted state of a feature that drift is measured against (local file or the receiver's copy).
public struct Baseline: Codable, Sendable, Equatable {
    public var featureSlug: String
    public var missionType: String
    public var parityHashSHA256: String
    /// Present artifacts at acceptance time, sorted by the UTF-8 bytes of the path.
    public var entries: [BaselineEntry]
    /// RFC 3339 UTC time of acceptance (informational; not part of any hash).
    public var acceptedAt: String
    /// `local` or the receiver URL it came from.
    public var source: String

    public init(
        featureSlug: String, missionType: String, parityHashSHA256: String, entries: [BaselineEntry],
        acceptedAt: String, source: String
    ) {
        self.featureSlug = featureSlug
        self.missionType = missionType
        self.parityHashSHA256 = parityHashSHA256
        self.entries = entries
        self.acceptedAt = acceptedAt
        self.source = source
    }

    enum CodingKeys: String, CodingKey {
        case featureSlug = "feature_slug"
        case missionType = "mission_type"
        case parityHashSHA256 = "parity_hash_sha256"
        case entries
        case acceptedAt = "accepted_at"
        case source
    }
}
