/// The role an artifact plays in a mission. Deterministic; there is no `other`.
public enum ArtifactClass: String, Codable, CaseIterable, Sendable, Comparable {
    case input, workflow, output, evidence, policy, runtime

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Whether the manifest requires an artifact at the current step.
public enum RequiredStatus: String, Codable, CaseIterable, Sendable {
    case required, optional
}

/// Whether every required artifact of a dossier is present and valid.
public enum Completeness: String, Codable, CaseIterable, Sendable {
    case complete, incomplete, unknown
}
