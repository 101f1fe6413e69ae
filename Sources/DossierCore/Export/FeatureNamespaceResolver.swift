/// Resolves what a feature's namespace needs beyond its dossier events: the manifest (and its version), the
/// target branch, and the feature folder's repository-relative path. Reads only `meta.json`, the manifest override
/// and `.git/HEAD`; manifests are loaded once per mission type.
public struct FeatureNamespaceResolver {
    public let repositoryRoot: String
    public let projectUUID: String
    private let fileSystem: any ScanFileSystem
    private var manifests: [String: Manifest?] = [:]
    private var gitBranch: String??

    public init(repositoryRoot: String, projectUUID: String, fileSystem: any ScanFileSystem = PosixFileSystem()) {
        self.repositoryRoot = repositoryRoot
        self.projectUUID = projectUUID
        self.fileSystem = fileSystem
    }

    /// The manifest of `missionType`, nil when it has none (a malformed one is the scanner's error, not ours).
    public mutating func manifest(_ missionType: String) throws(ManifestError) -> Manifest? {
        if let cached = manifests[missionType] { return cached }
        let loaded = try ManifestLoader.load(
            missionType: missionType, repositoryRoot: repositoryRoot, fileSystem: fileSystem)?.manifest
        manifests[missionType] = loaded
        return loaded
    }

    /// The namespace of a feature folder (absolute path) of `slug`, with its mission type and current step.
    public mutating func namespace(
        slug: String, featureDirectory: String, missionType: String, currentStep: String?, manifest: Manifest?
    ) -> DossierNamespace {
        let meta: [UInt8]?
        if case .success(let bytes) = fileSystem.read(
            file: Array((featureDirectory + "/meta.json").utf8), limit: 1 << 20)
        {
            meta = bytes
        } else {
            meta = nil
        }
        let branch =
            meta.flatMap(TargetBranchResolver.branch(inMetaJSON:)) ?? repositoryBranch()
            ?? TargetBranchResolver.fallback
        return DossierNamespace(
            projectUUID: projectUUID, missionSlug: slug, targetBranch: branch, missionType: missionType,
            manifestVersion: manifest.map(\.manifestVersion).flatMap { $0.isEmpty ? nil : $0 } ?? "none",
            stepID: currentStep)
    }

    /// Repository-relative path of an absolute feature folder (`kitty-specs/<slug>` when it is not below the root).
    public func repositoryPath(of featureDirectory: String, slug: String) -> String {
        let root = repositoryRoot.hasSuffix("/") ? repositoryRoot : repositoryRoot + "/"
        if featureDirectory.hasPrefix(root), featureDirectory.utf8.count > root.utf8.count {
            return String(featureDirectory.dropFirst(root.count))
        }
        return "kitty-specs/" + slug
    }

    private mutating func repositoryBranch() -> String? {
        if let cached = gitBranch { return cached }
        let found = TargetBranchResolver.gitBranch(repositoryRoot: repositoryRoot, fileSystem: fileSystem)
        gitBranch = .some(found)
        return found
    }
}
