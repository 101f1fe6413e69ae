/// What to scan: a feature folder, a `kitty-specs/` folder or a repository root, with optional overrides.
public struct ScanRequest: Sendable, Equatable {
    public var path: String
    /// `--mission`: wins over `meta.json`.
    public var missionOverride: String?
    /// `--step`: wins over `meta.json` and inference; must be a step of the mission's manifest.
    public var stepOverride: String?
    /// `--rehash`: read every file even where the stat cache says it is unchanged, and count wrong cache entries.
    public var rehash: Bool

    public init(path: String, missionOverride: String? = nil, stepOverride: String? = nil, rehash: Bool = false) {
        self.path = path
        self.missionOverride = missionOverride
        self.stepOverride = stepOverride
        self.rehash = rehash
    }
}

/// Progress of a running scan, reported after each file and after each feature (in increasing order of both counts,
/// from whichever worker thread finished it).
public struct ScanProgress: Sendable, Equatable {
    /// The feature the last finished file or feature belongs to.
    public var featureSlug: String
    /// Files finished so far, over the whole scan.
    public var filesDone: Int
    public var featuresDone: Int
    public var featuresTotal: Int
    /// Bytes of the files finished so far (files from the stat cache count their cached size).
    public var bytesDone: Int64 = 0
    /// Bytes read and hashed so far, the files still being read included (it moves while a large file hashes;
    /// files from the stat cache add nothing).
    public var bytesHashed: Int64 = 0

    public init(
        featureSlug: String, filesDone: Int, featuresDone: Int, featuresTotal: Int, bytesDone: Int64 = 0,
        bytesHashed: Int64 = 0
    ) {
        self.featureSlug = featureSlug
        self.filesDone = filesDone
        self.featuresDone = featuresDone
        self.featuresTotal = featuresTotal
        self.bytesDone = bytesDone
        self.bytesHashed = bytesHashed
    }
}

/// How much reading a scan did.
public struct ScanStatistics: Sendable, Equatable {
    /// Files opened and read.
    public var filesHashed = 0
    /// Files whose hash came from the stat cache (not read).
    public var filesFromCache = 0
    /// With `rehash`: files whose cached hash (stat unchanged) differed from the bytes.
    public var cacheMismatches = 0

    public init() {}

    static func + (a: Self, b: Self) -> Self {
        var s = Self()
        s.filesHashed = a.filesHashed + b.filesHashed
        s.filesFromCache = a.filesFromCache + b.filesFromCache
        s.cacheMismatches = a.cacheMismatches + b.cacheMismatches
        return s
    }
}

/// One dossier per feature folder, in byte order of the slugs.
public struct ScanResult: Sendable, Equatable {
    /// Canonical absolute path of the repository that holds the scanned features (`RepositoryLocator`).
    public var repositoryRoot: String
    public var dossiers: [Dossier]
    /// Entries directly under `kitty-specs/` that are not features, in byte order of their names.
    public var skipped: [SkippedEntry]
    public var statistics: ScanStatistics
    /// The wall clock when the scan started (before any file was read): the new stat cache's timestamp.
    public var scanStarted: FileTime
    /// Stat-cache entries for every file read or trusted in this scan.
    public var freshCacheEntries: [PathKey: StatCacheEntry]
    /// Absolute raw paths of the feature folders scanned (their old cache entries are replaced).
    public var scannedFeatureDirectories: [[UInt8]]
}

/// Why a scan could not run at all (odd files never cause this; they become anomalies). The CLI exits 2.
public enum ScanError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(path: String)
    case notADirectory(path: String)
    case unreadable(path: String, reason: String)
    case noFeatures(path: String, skipped: [SkippedEntry])
    case unknownStep(step: String, missionType: String, validSteps: [String])
    case manifest(ManifestError)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such file or directory"
        case .notADirectory(let path):
            return "\(path): not a directory (expected a feature folder, kitty-specs/ or a repository root)"
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .noFeatures(let path, let skipped):
            let names = skipped.map { "\($0.name) (\($0.reason.rawValue))" }.joined(separator: ", ")
            let list = skipped.isEmpty ? "it is empty" : "skipped: " + names
            return "\(path): no feature folders in kitty-specs/ (every non-hidden folder directly under it is one; "
                + "\(list))"
        case .unknownStep(let step, let mission, let valid):
            return
                "--step '\(step)': not a step of mission '\(mission)' "
                + "(expected one of \(valid.joined(separator: ", ")))"
        case .manifest(let error): return error.description
        }
    }
}
