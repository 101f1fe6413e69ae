import Foundation

/// Scans feature folders into dossiers (DESIGN §3): walks every regular file (skipping dot-components, never
/// traversing directory symlinks), hashes each in bounded memory, classifies it against the mission's manifest and
/// records anomalies instead of aborting.
public struct Scanner: Sendable {
    private let fileSystem: any ScanFileSystem

    /// A scanner over `fileSystem` (the real one by default).
    public init(fileSystem: any ScanFileSystem = PosixFileSystem()) {
        self.fileSystem = fileSystem
    }

    /// Text extensions validated as UTF-8 (`invalid_format` otherwise).
    public static let textExtensions: Set<String> = [".md", ".json", ".yaml", ".yml", ".csv", ".txt", ".jsonl"]

    /// Scans `request.path`: one feature folder, or every `NNN-*` feature under a `kitty-specs/` folder or a
    /// repository root. `progress` is called after each hashed file.
    public func scan(_ request: ScanRequest, progress: (@Sendable (ScanProgress) -> Void)? = nil) throws(ScanError)
        -> ScanResult
    {
        let input = Array(request.path.utf8)
        let real: [UInt8]
        switch fileSystem.realPath(input) {
        case .success(let r): real = r
        case .failure(let e) where e.isGone || e.code == ELOOP: throw .notFound(path: request.path)
        case .failure(let e): throw .unreadable(path: request.path, reason: e.description)
        }
        switch fileSystem.kind(of: real) {
        case .success(.directory): break
        case .success: throw .notADirectory(path: request.path)
        case .failure(let e) where e.isGone: throw .notFound(path: request.path)
        case .failure(let e): throw .unreadable(path: request.path, reason: e.description)
        }
        let realString = String(decoding: real, as: UTF8.self)
        let repositoryRoot = RepositoryLocator.root(for: realString)
        let features = try featureFolders(real, display: request.path)
        var manifests: [String: LoadedManifest?] = [:]
        var dossiers: [Dossier] = []
        for feature in features {
            dossiers.append(
                try scanFeature(
                    feature, repositoryRoot: repositoryRoot, request: request,
                    manifests: &manifests, progress: progress))
        }
        return ScanResult(repositoryRoot: repositoryRoot, dossiers: dossiers)
    }

    /// `NNN-` followed by anything: a feature folder name.
    public static func isFeatureName(_ name: [UInt8]) -> Bool {
        name.count >= 5 && name[0...2].allSatisfy { (0x30...0x39).contains($0) } && name[3] == UInt8(ascii: "-")
    }

    private func featureFolders(_ path: [UInt8], display: String) throws(ScanError) -> [[UInt8]] {
        let specs: [UInt8]
        if CPath.lastComponent(path) == Array("kitty-specs".utf8) {
            specs = path
        } else if case .success(.directory) = fileSystem.kind(of: CPath.join(path, Array("kitty-specs".utf8))) {
            specs = CPath.join(path, Array("kitty-specs".utf8))
        } else {
            return [path]
        }
        let names: [[UInt8]]
        switch fileSystem.list(directory: specs) {
        case .success(let n): names = n
        case .failure(let e): throw .unreadable(path: String(decoding: specs, as: UTF8.self), reason: e.description)
        }
        let features = names.filter { name in
            guard Self.isFeatureName(name) else { return false }
            if case .success(.directory) = fileSystem.kind(of: CPath.join(specs, name)) { return true }
            return false
        }.sorted { $0.lexicographicallyPrecedes($1) }
        guard !features.isEmpty else { throw .noFeatures(path: display) }
        return features.map { CPath.join(specs, $0) }
    }

    // MARK: - One feature

    private struct Listed {
        var relative: [UInt8]
        /// The path to open (the symlink target for an allowed file symlink).
        var openPath: [UInt8]
        var nameProblem: String?
    }

    private func scanFeature(
        _ dir: [UInt8], repositoryRoot: String, request: ScanRequest,
        manifests: inout [String: LoadedManifest?], progress: (@Sendable (ScanProgress) -> Void)?
    ) throws(ScanError) -> Dossier {
        let slug = RawName.string(from: CPath.lastComponent(dir))
        var anomalies: [Anomaly] = []
        var listed: [Listed] = []
        let rootBytes = Array(repositoryRoot.utf8)
        walk(dir, relative: [], rootBytes: rootBytes, into: &listed, anomalies: &anomalies)
        listed.sort { $0.relative.lexicographicallyPrecedes($1.relative) }

        // meta.json: mission type and step.
        var metaMission: String?
        var metaStep: String?
        var metaInvalid: String?
        let hasMeta = listed.contains { $0.relative == Array("meta.json".utf8) }
        if hasMeta {
            switch fileSystem.read(file: CPath.join(dir, Array("meta.json".utf8)), limit: 1 << 20) {
            case .success(let bytes):
                switch MetaJSON.parse(bytes) {
                case .success(let meta):
                    metaMission = meta.missionType
                    metaStep = meta.step
                    for problem in meta.problems {
                        anomalies.append(
                            Anomaly(kind: .invalidMetadata, relativePath: "meta.json", detail: "meta.json: \(problem)"))
                    }
                case .failure(let problem):
                    metaInvalid = problem.message
                    anomalies.append(
                        Anomaly(
                            kind: .invalidMetadata, relativePath: "meta.json",
                            detail: "meta.json: \(problem.message); mission type defaults to software-dev"))
                }
            case .failure(let e):
                anomalies.append(
                    Anomaly(
                        kind: .invalidMetadata, relativePath: "meta.json",
                        detail: "meta.json: cannot read (\(e)); mission type defaults to software-dev"))
            }
        } else {
            anomalies.append(
                Anomaly(
                    kind: .invalidMetadata, relativePath: "meta.json",
                    detail: "meta.json not found in \(slug); mission type defaults to software-dev"))
        }
        let mission = request.missionOverride ?? metaMission ?? "software-dev"
        let loaded: LoadedManifest?
        if let cached = manifests[mission] {
            loaded = cached
        } else {
            do throws(ManifestError) {
                loaded = try ManifestLoader.load(
                    missionType: mission, repositoryRoot: repositoryRoot, fileSystem: fileSystem)
            } catch {
                throw .manifest(error)
            }
            manifests[mission] = loaded
        }
        let manifest = loaded?.manifest
        if let step = request.stepOverride, let manifest, manifest.stepIndex(step) == nil {
            throw .unknownStep(step: step, missionType: mission, validSteps: manifest.steps)
        }

        // Hash every listed file.
        var artifacts: [Artifact] = []
        artifacts.reserveCapacity(listed.count)
        let relativeStrings = listed.map { RawName.string(from: $0.relative) }
        let resolution = StepResolver.resolve(
            flag: request.stepOverride, meta: metaStep, manifest: manifest,
            presentPaths: relativeStrings)
        if let problem = resolution.metaProblem {
            anomalies.append(Anomaly(kind: .invalidMetadata, relativePath: "meta.json", detail: problem))
        }
        let entries = manifest?.orderedEntries ?? []
        let classes = relativeStrings.map {
            Classification.classify(
                relativePath: $0, manifest: manifest, entries: entries, currentStep: resolution.step)
        }
        for (i, item) in listed.enumerated() {
            let rel = relativeStrings[i]
            let c = classes[i]
            var problems: [Anomaly] = []
            let isText = Self.isTextPath(item.relative)
            var hash: String?
            var size: Int64?
            switch fileSystem.hash(file: item.openPath, validateUTF8: isText) {
            case .success(let digest):
                hash = digest.sha256
                size = digest.size
                if digest.isValidUTF8 == false {
                    problems.append(
                        Anomaly(
                            kind: .invalidFormat, relativePath: rel,
                            detail: "\(rel): text artifact is not valid UTF-8"))
                } else if rel == "meta.json", let metaInvalid {
                    problems.append(Anomaly(kind: .invalidFormat, relativePath: rel, detail: "\(rel): \(metaInvalid)"))
                }
                if digest.size == 0 {
                    problems.append(
                        Anomaly(kind: .emptyFile, relativePath: rel, detail: "\(rel): empty file (0 bytes)"))
                }
            case .failure(let e) where e.isGone || e.isSymlinkRace || e.code == EINVAL:
                problems.append(
                    Anomaly(
                        kind: .deletedAfterScan, relativePath: rel,
                        detail: "\(rel): listed but gone or replaced before it was hashed (\(e))"))
            case .failure(let e):
                problems.append(Anomaly(kind: .unreadable, relativePath: rel, detail: "\(rel): cannot read (\(e))"))
            }
            if let reason = item.nameProblem {
                problems.append(Anomaly(kind: .unusualName, relativePath: rel, detail: "\(rel): \(reason)"))
            }
            // The most serious problem goes on the artifact; the others are listed with the dossier's anomalies.
            problems.sort { Self.rank($0.kind) < Self.rank($1.kind) }
            anomalies += problems.dropFirst()
            artifacts.append(
                Artifact(
                    key: c.candidateKey, artifactClass: c.artifactClass, relativePath: rel, contentHashSHA256: hash,
                    sizeBytes: size, wpID: c.wpID, stepID: c.stepID, requiredStatus: c.requiredStatus, present: true,
                    anomaly: problems.first, pathPattern: c.pathPattern))
            progress?(ScanProgress(featureSlug: slug, filesDone: i + 1, filesTotal: listed.count))
        }

        // Required entries with no present match.
        var missing: [Artifact] = []
        if let manifest, let step = resolution.step {
            for (entry, entryStep, optional) in manifest.orderedEntries
            where !optional && entry.blocking && manifest.isRequired(entryStep: entryStep, at: step)
                && !relativeStrings.contains(where: { PathPattern.matches(entry.pathPattern, $0) })
            {
                missing.append(
                    Artifact(
                        key: entry.artifactKey, artifactClass: entry.artifactClass, relativePath: entry.pathPattern,
                        contentHashSHA256: nil, sizeBytes: nil, wpID: nil, stepID: entryStep, requiredStatus: .required,
                        present: false, anomaly: nil, pathPattern: entry.pathPattern))
            }
        }
        let keys = Classification.uniqueKeys(artifacts.map(\.key), reserved: Set(missing.map { ByteString($0.key) }))
        for i in artifacts.indices { artifacts[i].key = keys[i] }
        artifacts += missing
        artifacts.sort { a, b in
            a.relativePath.utf8.elementsEqual(b.relativePath.utf8)
                ? (a.present ? 0 : 1) < (b.present ? 0 : 1) : ByteOrder.less(a.relativePath, b.relativePath)
        }
        anomalies.sort { a, b in
            a.relativePath.utf8.elementsEqual(b.relativePath.utf8)
                ? a.kind.rawValue < b.kind.rawValue : ByteOrder.less(a.relativePath, b.relativePath)
        }
        return Dossier(
            featureSlug: slug, featureDirectory: String(decoding: dir, as: UTF8.self), missionType: mission,
            currentStep: resolution.step, stepSource: resolution.source.rawValue, artifacts: artifacts,
            anomalies: anomalies)
    }

    /// True when the path ends in one of `textExtensions` (ASCII case-insensitive).
    static func isTextPath(_ relative: [UInt8]) -> Bool {
        guard let dot = relative.lastIndex(of: UInt8(ascii: ".")) else { return false }
        let ext = relative[dot...].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
        return textExtensions.contains(String(decoding: ext, as: UTF8.self))
    }

    private static func rank(_ kind: Anomaly.Kind) -> Int {
        switch kind {
        case .deletedAfterScan: return 0
        case .unreadable: return 1
        case .invalidFormat: return 2
        case .unusualName: return 3
        case .emptyFile: return 4
        default: return 5
        }
    }

    /// Depth-first walk; dot-components skipped; directory symlinks never followed; file symlinks only inside the
    /// repository. Problems become anomalies.
    private func walk(
        _ dir: [UInt8], relative: [UInt8], rootBytes: [UInt8], into listed: inout [Listed], anomalies: inout [Anomaly]
    ) {
        let relString = RawName.string(from: relative)
        let names: [[UInt8]]
        switch fileSystem.list(directory: dir) {
        case .success(let n): names = n
        case .failure(let e):
            let what =
                relative.isEmpty ? "feature folder \(String(decoding: dir, as: UTF8.self))" : "folder \(relString)"
            let detail = e.isGone ? "\(what) vanished during the scan (\(e))" : "\(what) cannot be listed (\(e))"
            anomalies.append(Anomaly(kind: .unreadableDirectory, relativePath: relString, detail: detail))
            return
        }
        for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) where name.first != UInt8(ascii: ".") {
            let abs = CPath.join(dir, name)
            let rel = relative.isEmpty ? name : relative + [UInt8(ascii: "/")] + name
            let relS = RawName.string(from: rel)
            let nameProblem = RawName.unusualReason(name)
            switch fileSystem.kind(of: abs) {
            case .failure(let e) where e.isGone:
                anomalies.append(
                    Anomaly(
                        kind: .deletedAfterScan, relativePath: relS, detail: "\(relS): vanished while listing (\(e))"))
            case .failure(let e):
                anomalies.append(Anomaly(kind: .unreadable, relativePath: relS, detail: "\(relS): cannot stat (\(e))"))
            case .success(.directory):
                walk(abs, relative: rel, rootBytes: rootBytes, into: &listed, anomalies: &anomalies)
            case .success(.regular):
                listed.append(Listed(relative: rel, openPath: abs, nameProblem: nameProblem))
            case .success(.other):
                anomalies.append(
                    Anomaly(
                        kind: .notRegularFile, relativePath: relS,
                        detail: "\(relS): not a regular file (FIFO, socket or device); skipped"))
            case .success(.symlink):
                switch fileSystem.realPath(abs) {
                case .failure(let e):
                    let why = e.code == ELOOP ? "symlink loop" : "dangling symlink"
                    anomalies.append(
                        Anomaly(kind: .brokenSymlink, relativePath: relS, detail: "\(relS): \(why) (\(e)); skipped"))
                case .success(let target):
                    let inside = target == rootBytes || target.starts(with: rootBytes + [UInt8(ascii: "/")])
                    let targetS = RawName.string(from: target)
                    guard inside else {
                        anomalies.append(
                            Anomaly(
                                kind: .symlinkOutsideRoot, relativePath: relS,
                                detail: "\(relS): symlink to \(targetS), outside the repository; not followed"))
                        continue
                    }
                    switch fileSystem.kind(of: target) {
                    case .success(.regular):
                        listed.append(Listed(relative: rel, openPath: target, nameProblem: nameProblem))
                    case .success(.directory):
                        anomalies.append(
                            Anomaly(
                                kind: .directorySymlink, relativePath: relS,
                                detail: "\(relS): symlink to folder \(targetS); folder symlinks are never traversed"))
                    case .success:
                        anomalies.append(
                            Anomaly(
                                kind: .notRegularFile, relativePath: relS,
                                detail: "\(relS): symlink to something that is not a regular file; skipped"))
                    case .failure(let e):
                        anomalies.append(
                            Anomaly(
                                kind: .brokenSymlink, relativePath: relS,
                                detail: "\(relS): target \(targetS) (\(e)); skipped"))
                    }
                }
            }
        }
    }
}
