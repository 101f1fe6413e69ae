/// A manifest and where it came from.
public struct LoadedManifest: Sendable, Equatable {
    public var manifest: Manifest
    /// The override file path, or `<embedded>/<mission>.yaml`.
    public var source: String
}

/// Finds the manifest of a mission type: the repository override `<repo>/.dossier/manifests/<mission>.yaml` when it
/// exists, else the copy embedded in the binary (generated from `assets/manifests/`), else none (completeness is then
/// `unknown`). Mission types outside `[A-Za-z0-9._-]` never touch the file system.
public enum ManifestLoader {
    /// Folder of per-repository overrides, relative to the repository root.
    public static let overrideDirectory = ".dossier/manifests"

    /// Loads the manifest for `missionType`; nil when there is none. A malformed file is a `ManifestError`.
    public static func load(
        missionType: String, repositoryRoot: String?, fileSystem: any ScanFileSystem = PosixFileSystem()
    ) throws(ManifestError) -> LoadedManifest? {
        guard isSafeName(missionType) else { return nil }
        if let repositoryRoot {
            let path = repositoryRoot + "/" + overrideDirectory + "/" + missionType + ".yaml"
            switch fileSystem.read(file: Array(path.utf8), limit: 1 << 20) {
            case .success(let bytes):
                guard UTF8Validator.isValid(bytes) else {
                    throw ManifestError(file: path, line: nil, field: nil, problem: "not valid UTF-8")
                }
                return try checked(
                    ManifestParser.parse(String(decoding: bytes, as: UTF8.self), file: path),
                    missionType: missionType, file: path)
            case .failure(let error) where error.isGone:
                break
            case .failure(let error):
                throw ManifestError(file: path, line: nil, field: nil, problem: "cannot read: \(error)")
            }
        }
        guard let yaml = EmbeddedManifests.yaml[missionType] else { return nil }
        let file = "<embedded>/\(missionType).yaml"
        return try checked(ManifestParser.parse(yaml, file: file), missionType: missionType, file: file)
    }

    private static func checked(_ manifest: Manifest, missionType: String, file: String) throws(ManifestError)
        -> LoadedManifest
    {
        guard manifest.missionType == missionType else {
            throw ManifestError(
                file: file, line: nil, field: "mission_type",
                problem: "says '\(manifest.missionType)' but the file is for '\(missionType)'")
        }
        return LoadedManifest(manifest: manifest, source: file)
    }

    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".."
            && name.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                    || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
            }
    }
}
