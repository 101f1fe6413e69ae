#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Builds one feature's dossier from what the walk found: `meta.json`'s verdict, classification of every listed file,
/// its most serious problem, the required entries nothing matched, keys made unique, and byte order throughout.
/// Pure: the scanner walks, reads `meta.json` and loads the manifest first, so this is tested with hand-made walks.
enum FeatureAssembler {
    /// What `meta.json` says: mission type and step when it parsed, why not when it did not, and the anomalies.
    struct Meta: Sendable, Equatable {
        var missionType: String?
        var step: String?
        /// Why the file is not a valid `meta.json` (also marks the listed file itself as invalid).
        var invalid: String?
        var anomalies: [Anomaly] = []

        /// `bytes`: the file's content, its read error, or nil when the walk did not list it.
        init(_ bytes: Result<[UInt8], FileSystemError>?, slug: String) {
            func note(_ detail: String) {
                anomalies.append(Anomaly(kind: .invalidMetadata, relativePath: "meta.json", detail: detail))
            }
            switch bytes {
            case .success(let bytes)?:
                switch MetaJSON.parse(bytes) {
                case .success(let meta):
                    missionType = meta.missionType
                    step = meta.step
                    for problem in meta.problems { note("meta.json: \(problem)") }
                case .failure(let problem):
                    invalid = problem.message
                    note("meta.json: \(problem.message); mission type defaults to software-dev")
                }
            case .failure(let e)?:
                note("meta.json: cannot read (\(e)); mission type defaults to software-dev")
            case nil:
                note("meta.json not found in \(slug); mission type defaults to software-dev")
            }
        }
    }

    /// The dossier of feature `slug` (folder `directory`) under `missionType`, whose compiled manifest is `rules`.
    /// Throws for a `--step` the manifest does not have.
    static func dossier(
        slug: String, directory: String, walk: WalkOutput, meta: Meta, missionType: String,
        rules: ClassificationRules, request: ScanRequest
    ) throws(ScanError) -> Dossier {
        let manifest = rules.manifest
        if let step = request.stepOverride, let manifest, manifest.stepIndex(step) == nil {
            throw .unknownStep(step: step, missionType: missionType, validSteps: manifest.steps)
        }
        var anomalies = walk.anomalies + meta.anomalies
        let listed = walk.files.sorted { $0.relative.lexicographicallyPrecedes($1.relative) }
        let relativeStrings = listed.map(\.relativeString)
        let resolution = StepResolver.resolve(
            flag: request.stepOverride, meta: meta.step, manifest: manifest, presentPaths: relativeStrings)
        if let problem = resolution.metaProblem {
            anomalies.append(Anomaly(kind: .invalidMetadata, relativePath: "meta.json", detail: problem))
        }
        var artifacts: [Artifact] = []
        artifacts.reserveCapacity(listed.count)
        for item in listed {
            let c = Classification.classify(
                relativePath: item.relativeString, rules: rules, currentStep: resolution.step)
            let (artifact, others) = present(item, classified: c, metaInvalid: meta.invalid)
            artifacts.append(artifact)
            anomalies += others
        }
        let missing = missingRequired(rules: rules, step: resolution.step, presentPaths: relativeStrings)
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
            featureSlug: slug, featureDirectory: directory, missionType: missionType, currentStep: resolution.step,
            stepSource: resolution.source, artifacts: artifacts, anomalies: anomalies)
    }

    /// A listed file as an artifact carrying its most serious problem, and its other problems (for the dossier).
    static func present(_ item: WalkedFile, classified c: FileClassification, metaInvalid: String?)
        -> (Artifact, [Anomaly])
    {
        let rel = item.relativeString
        var problems: [Anomaly] = []
        var hash: String?
        var size: Int64?
        switch item.result {
        case .digest(let digest):
            hash = digest.sha256
            size = digest.size
            if digest.isValidUTF8 == false {
                problems.append(
                    Anomaly(
                        kind: .invalidFormat, relativePath: rel, detail: "\(rel): text artifact is not valid UTF-8"))
            } else if rel == "meta.json", let metaInvalid {
                problems.append(Anomaly(kind: .invalidFormat, relativePath: rel, detail: "\(rel): \(metaInvalid)"))
            }
            if digest.size == 0 {
                problems.append(Anomaly(kind: .emptyFile, relativePath: rel, detail: "\(rel): empty file (0 bytes)"))
            }
        case .changing:
            problems.append(
                Anomaly(
                    kind: .changedDuringScan, relativePath: rel,
                    detail: "\(rel): changed while it was being hashed, twice in a row (size, mtime or ctime "
                        + "moved); no hash reported, rescan when it is quiet"))
        case .failed(let e) where e.isGone || e.isSymlinkRace || e.code == EINVAL:
            problems.append(
                Anomaly(
                    kind: .deletedAfterScan, relativePath: rel,
                    detail: "\(rel): listed but gone or replaced before it was hashed (\(e))"))
        case .failed(let e):
            problems.append(Anomaly(kind: .unreadable, relativePath: rel, detail: "\(rel): cannot read (\(e))"))
        }
        if let reason = item.nameProblem {
            problems.append(Anomaly(kind: .unusualName, relativePath: rel, detail: "\(rel): \(reason)"))
        }
        // The most serious problem goes on the artifact; the others are listed with the dossier's anomalies.
        problems.sort { rank($0.kind) < rank($1.kind) }
        let artifact = Artifact(
            key: c.candidateKey, artifactClass: c.artifactClass, relativePath: rel, contentHashSHA256: hash,
            sizeBytes: size, wpID: c.wpID, stepID: c.stepID, requiredStatus: c.requiredStatus, present: true,
            anomaly: problems.first, pathPattern: c.pathPattern)
        return (artifact, Array(problems.dropFirst()))
    }

    /// The blocking entries required at `step` that no present path matches, as absent artifacts.
    static func missingRequired(rules: ClassificationRules, step: String?, presentPaths: [String]) -> [Artifact] {
        guard let manifest = rules.manifest, let step else { return [] }
        var missing: [Artifact] = []
        for rule in rules.entries
        where !rule.optional && rule.entry.blocking && manifest.isRequired(entryStep: rule.step, at: step)
            && !presentPaths.contains(where: { rule.pattern.matches($0) })
        {
            let entry = rule.entry
            missing.append(
                Artifact(
                    key: entry.artifactKey, artifactClass: entry.artifactClass, relativePath: entry.pathPattern,
                    contentHashSHA256: nil, sizeBytes: nil, wpID: nil, stepID: rule.step, requiredStatus: .required,
                    present: false, anomaly: nil, pathPattern: entry.pathPattern))
        }
        return missing
    }

    /// Lower is more serious: what stays on the artifact when a file has several problems.
    static func rank(_ kind: Anomaly.Kind) -> Int {
        switch kind {
        case .deletedAfterScan, .changedDuringScan: return 0
        case .unreadable: return 1
        case .invalidFormat: return 2
        case .unusualName: return 3
        case .emptyFile: return 4
        default: return 5
        }
    }
}
