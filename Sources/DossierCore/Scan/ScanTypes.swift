/// What to scan: a feature folder, a `kitty-specs/` folder or a repository root, with optional overrides.
public struct ScanRequest: Sendable, Equatable {
    public var path: String
    /// `--mission`: wins over `meta.json`.
    public var missionOverride: String?
    /// `--step`: wins over `meta.json` and inference; must be a step of the mission's manifest.
    public var stepOverride: String?

    public init(path: String, missionOverride: String? = nil, stepOverride: String? = nil) {
        self.path = path
        self.missionOverride = missionOverride
        self.stepOverride = stepOverride
    }
}

/// Progress of a running scan, reported after each file is hashed.
public struct ScanProgress: Sendable, Equatable {
    public var featureSlug: String
    public var filesDone: Int
    public var filesTotal: Int
}

/// One dossier per feature folder, in byte order of the slugs.
public struct ScanResult: Sendable, Equatable {
    /// Canonical absolute path of the repository that holds the scanned features (`RepositoryLocator`).
    public var repositoryRoot: String
    public var dossiers: [Dossier]
}

/// Why a scan could not run at all (odd files never cause this; they become anomalies). The CLI exits 2.
public enum ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case notADirectory(path: String)
    case unreadable(path: String, reason: String)
    case noFeatures(path: String)
    case unknownStep(step: String, missionType: String, validSteps: [String])
    case manifest(ManifestError)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file or directory"
        case .notADirectory(let path):
            return "\(path): not a directory (expected a feature folder, kitty-specs/ or a repository root)"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .noFeatures(let path): return "\(path): no feature folders (NNN-*) found in kitty-specs/"
        case .unknownStep(let step, let mission, let valid):
            return
                "--step '\(step)': not a step of mission '\(mission)' "
                + "(expected one of \(valid.joined(separator: ", ")))"
        case .manifest(let error): return error.description
        }
    }
}
