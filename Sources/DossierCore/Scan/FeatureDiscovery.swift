#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A feature folder to scan.
struct DiscoveredFeature: Sendable {
    /// The folder's name, spelled as relative paths are (`RawName`): the feature slug, exactly.
    var slug: String
    /// Its raw name under `kitty-specs/` (nil when the scan was given the feature folder itself).
    var name: [UInt8]?
    /// Absolute raw path.
    var path: [UInt8]
}

/// Which feature folders a scan covers (spec-kitty's rule: every directory directly under `kitty-specs/` is a mission,
/// `NNN-slug` and `slug-ULID8` alike):
/// - a repository root (it has `kitty-specs/`) or a `kitty-specs/` folder: every non-hidden folder directly under
///   `kitty-specs/`; everything else there is a `SkippedEntry` with its reason;
/// - a path inside `<repo>/kitty-specs/<feature>/`: that feature;
/// - any other folder: that folder, as one feature.
struct FeatureDiscovery {
    let fileSystem: any ScanFileSystem

    /// The discovered features, and the open `kitty-specs/` descriptor they are opened from.
    struct Result: Sendable {
        var features: [DiscoveredFeature]
        var skipped: [SkippedEntry]
        /// `kitty-specs/`, open, when features are listed from it.
        var specsFD: Int32?

        /// Opens a feature folder: `openat(kitty-specs, name, O_NOFOLLOW | O_DIRECTORY)`, or its path.
        func open(_ feature: DiscoveredFeature, _ fileSystem: any ScanFileSystem)
            -> Swift.Result<Int32, FileSystemError>
        {
            if let specsFD, let name = feature.name { return fileSystem.openDirectory(in: specsFD, name: name) }
            return fileSystem.openDirectory(path: feature.path)
        }

        func close(_ fileSystem: any ScanFileSystem) {
            if let specsFD { fileSystem.close(specsFD) }
        }
    }

    /// Discovers the features for the canonical path `real` in the repository `root` (`display` names it in errors).
    func discover(_ real: [UInt8], repositoryRoot root: [UInt8], display: String) throws(ScanError) -> Result {
        let specsName = Array("kitty-specs".utf8)
        let rootSpecs = CPath.join(root, specsName)
        let specs: [UInt8]
        if CPath.lastComponent(real) == specsName {
            specs = real
        } else if real == root, case .success(.directory) = fileSystem.kind(of: rootSpecs) {
            specs = rootSpecs
        } else {
            let prefix = rootSpecs + [UInt8(ascii: "/")]
            var featurePath = real
            if real.starts(with: prefix), let name = real[prefix.count...].split(separator: UInt8(ascii: "/")).first {
                featurePath = prefix + name
            }
            let slug = RawName.string(from: CPath.lastComponent(featurePath))
            return Result(features: [DiscoveredFeature(slug: slug, name: nil, path: featurePath)], skipped: [])
        }
        let specsFD: Int32
        switch fileSystem.openDirectory(path: specs) {
        case .success(let fd): specsFD = fd
        case .failure(let e): throw .unreadable(path: RawName.string(from: specs), reason: e.description)
        }
        let entries: [DirectoryEntry]
        switch fileSystem.list(directory: specsFD) {
        case .success(let e): entries = e
        case .failure(let e):
            fileSystem.close(specsFD)
            throw .unreadable(path: RawName.string(from: specs), reason: e.description)
        }
        var features: [DiscoveredFeature] = []
        var skipped: [SkippedEntry] = []
        for entry in entries.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) }) {
            let name = entry.name
            let shown = RawName.string(from: name)
            if name.first == UInt8(ascii: ".") {
                skipped.append(SkippedEntry(name: shown, reason: .hidden, detail: "kitty-specs/\(shown): hidden"))
                continue
            }
            var kind = entry.kind
            if kind == nil {
                switch fileSystem.status(in: specsFD, name: name) {
                case .success(let s): kind = s.kind
                case .failure(let e):
                    skipped.append(
                        SkippedEntry(
                            name: shown, reason: .unreadable, detail: "kitty-specs/\(shown): cannot stat (\(e))"))
                    continue
                }
            }
            switch kind ?? .other {
            case .directory:
                // Opened once here so an unreadable folder is reported as skipped, not scanned empty.
                switch fileSystem.openDirectory(in: specsFD, name: name) {
                case .success(let fd):
                    fileSystem.close(fd)
                    features.append(DiscoveredFeature(slug: shown, name: name, path: CPath.join(specs, name)))
                case .failure(let e):
                    let why = e.code == ELOOP || e.code == ENOTDIR ? "replaced while listing" : "cannot be opened"
                    skipped.append(
                        SkippedEntry(
                            name: shown, reason: .unreadable, detail: "kitty-specs/\(shown): folder \(why) (\(e))"))
                }
            case .symlink:
                skipped.append(
                    SkippedEntry(
                        name: shown, reason: .symlink,
                        detail: "kitty-specs/\(shown): a symlink; folder symlinks are never followed"))
            case .regular, .other:
                skipped.append(
                    SkippedEntry(
                        name: shown, reason: .notADirectory, detail: "kitty-specs/\(shown): not a folder"))
            }
        }
        guard !features.isEmpty else {
            fileSystem.close(specsFD)
            throw .noFeatures(path: display, skipped: skipped)
        }
        return Result(features: features, skipped: skipped, specsFD: specsFD)
    }
}
