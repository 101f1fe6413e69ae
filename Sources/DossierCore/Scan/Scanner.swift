import Foundation
import Synchronization

/// Scans feature folders into dossiers: walks every regular file race-proof (`FeatureWalker`), hashes each
/// in bounded memory on a bounded pool of threads, trusts the stat cache where a file is unchanged, classifies it
/// against the mission's manifest and records anomalies instead of aborting. The result is the same, byte for byte,
/// whatever the number of workers.
public struct Scanner: Sendable {
    private let fileSystem: any ScanFileSystem
    private let workers: Int
    private let clock: any ScanClock

    /// A scanner over `fileSystem` (the real one by default) with up to `workers` hashing threads (default: the
    /// machine's cores) and `clock` for the racy-timestamp rules.
    public init(
        fileSystem: any ScanFileSystem = PosixFileSystem(), workers: Int? = nil,
        clock: any ScanClock = SystemScanClock()
    ) {
        self.fileSystem = fileSystem
        self.workers = max(1, workers ?? ParallelWork.defaultWorkers)
        self.clock = clock
    }

    /// How many threads the scan (and the per-feature work after it) uses.
    var workerCount: Int { workers }

    /// Text extensions validated as UTF-8 (`invalid_format` otherwise).
    public static let textExtensions: Set<String> = [".md", ".json", ".yaml", ".yml", ".csv", ".txt", ".jsonl"]

    /// Scans `request.path`: every feature folder under a repository root or `kitty-specs/` folder (every non-hidden
    /// folder directly under `kitty-specs/`, whatever its name), or the one feature a path inside a feature folder
    /// belongs to. `cache` (from `StatCacheStore`) spares reading unchanged files. `progress` is called after each
    /// file and each feature.
    public func scan(
        _ request: ScanRequest, cache: StatCache? = nil, progress: (@Sendable (ScanProgress) -> Void)? = nil
    ) throws(ScanError) -> ScanResult {
        let scanStarted = clock.now()
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
        let repositoryRoot = RepositoryLocator.root(for: String(decoding: real, as: UTF8.self))
        let rootBytes = Array(repositoryRoot.utf8)
        let discovery = try FeatureDiscovery(fileSystem: fileSystem).discover(
            real, repositoryRoot: rootBytes, display: request.path)
        defer { discovery.close(fileSystem) }
        let rootFD: Int32
        switch fileSystem.openDirectory(path: rootBytes) {
        case .success(let fd): rootFD = fd
        case .failure(let e): throw .unreadable(path: repositoryRoot, reason: e.description)
        }
        defer { fileSystem.close(rootFD) }

        let features = discovery.features
        let reporter = ProgressReporter(featuresTotal: features.count, callback: progress)
        let manifests = ManifestCache()
        // Many features: one feature per worker at a time. Few: the files of each folder are spread over the workers.
        let featureParallel = features.count >= 2 * workers
        let context = FeatureContext(
            request: request, repositoryRoot: repositoryRoot, rootBytes: rootBytes, rootFD: rootFD, cache: cache,
            scanStarted: scanStarted, fileWorkers: featureParallel ? 1 : workers, manifests: manifests,
            reporter: reporter)
        let outcomes = ParallelWork.map(features.count, workers: featureParallel ? workers : 1) { i in
            scanFeature(features[i], discovery: discovery, context: context)
        }
        var dossiers: [Dossier] = []
        var statistics = ScanStatistics()
        var fresh: [PathKey: StatCacheEntry] = [:]
        fresh.reserveCapacity(outcomes.reduce(0) { n, o in n + ((try? o.get())?.walk.fresh.count ?? 0) })
        for outcome in outcomes {
            switch outcome {
            case .failure(let error): throw error
            case .success(let o):
                dossiers.append(o.dossier)
                statistics = statistics + o.walk.statistics
                // Feature folders are distinct, so their paths (the keys) never repeat across features.
                for (key, entry) in o.walk.fresh { fresh[key] = entry }
            }
        }
        return ScanResult(
            repositoryRoot: repositoryRoot, dossiers: dossiers, skipped: discovery.skipped, statistics: statistics,
            scanStarted: scanStarted, freshCacheEntries: fresh, scannedFeatureDirectories: features.map(\.path))
    }

    /// True when the path ends in one of `textExtensions` (ASCII case-insensitive).
    static func isTextPath(_ relative: [UInt8]) -> Bool {
        guard let dot = relative.lastIndex(of: UInt8(ascii: ".")) else { return false }
        let ext = relative[dot...]
        // Every text extension is short lowercase ASCII: compare bytes, lowercased, with no String or Set lookup.
        guard ext.count <= 6 else { return false }
        return textExtensionBytes.contains { e in
            e.count == ext.count && zip(e, ext).allSatisfy { $0 == ($1 >= 0x41 && $1 <= 0x5A ? $1 + 32 : $1) }
        }
    }

    private static let textExtensionBytes: [[UInt8]] = textExtensions.map { Array($0.utf8) }

    // MARK: - One feature

    private struct FeatureContext: Sendable {
        var request: ScanRequest
        var repositoryRoot: String
        var rootBytes: [UInt8]
        var rootFD: Int32
        var cache: StatCache?
        var scanStarted: FileTime
        var fileWorkers: Int
        var manifests: ManifestCache
        var reporter: ProgressReporter
    }

    private struct FeatureOutput: Sendable {
        var dossier: Dossier
        var walk: WalkOutput
    }

    private func scanFeature(_ feature: DiscoveredFeature, discovery: FeatureDiscovery.Result, context: FeatureContext)
        -> Result<FeatureOutput, ScanError>
    {
        let slug = feature.slug
        let request = context.request
        var walker = FeatureWalker(
            fileSystem: fileSystem, clock: clock, featurePath: feature.path, rootPath: context.rootBytes,
            rootFD: context.rootFD, cache: context.cache, rehash: request.rehash, scanStarted: context.scanStarted,
            workers: context.fileWorkers, onFile: { context.reporter.fileDone(slug, bytes: $0) })
        if context.reporter.reportsReads {
            let reporter = context.reporter
            walker.onRead = { reporter.bytesRead($0, slug) }
        }
        var walk = WalkOutput()
        var metaBytes: Result<[UInt8], FileSystemError>?
        switch discovery.open(feature, fileSystem) {
        case .success(let fd):
            walker.walk(fd, relative: [], into: &walk)
            if walk.files.contains(where: { $0.relative == Self.metaName }) {
                metaBytes = readMeta(in: fd)
            }
            fileSystem.close(fd)
        case .failure(let e):
            let what = "feature folder \(RawName.string(from: feature.path))"
            let detail =
                e.isGone || e.code == ELOOP
                ? "\(what) vanished or was replaced during the scan (\(e))" : "\(what) cannot be opened (\(e))"
            walk.anomalies.append(Anomaly(kind: .unreadableDirectory, relativePath: "", detail: detail))
        }
        defer { context.reporter.featureDone(slug) }
        do throws(ScanError) {
            let dossier = try assemble(
                feature, walk: walk, metaBytes: metaBytes, repositoryRoot: context.repositoryRoot, request: request,
                manifests: context.manifests)
            return .success(FeatureOutput(dossier: dossier, walk: walk))
        } catch {
            return .failure(error)
        }
    }

    private static let metaName = Array("meta.json".utf8)

    /// `meta.json` through the feature's descriptor (`O_NOFOLLOW | O_NONBLOCK`, regular files only, at most 1 MiB).
    private func readMeta(in featureFD: Int32) -> Result<[UInt8], FileSystemError> {
        switch fileSystem.openFile(in: featureFD, name: Array("meta.json".utf8)) {
        case .failure(let e): return .failure(e)
        case .success(let fd):
            defer { fileSystem.close(fd) }
            switch fileSystem.status(of: fd) {
            case .failure(let e): return .failure(e)
            case .success(let s) where s.kind != .regular: return .failure(FileSystemError(call: "fstat", code: EINVAL))
            case .success: return FileReading.readAll(fd, limit: 1 << 20, fileSystem: fileSystem)
            }
        }
    }

    /// The dossier of one walked feature: `meta.json` decides the mission type, whose manifest is loaded (cached per
    /// scan), then `FeatureAssembler` does the rest without touching the file system.
    private func assemble(
        _ feature: DiscoveredFeature, walk: WalkOutput, metaBytes: Result<[UInt8], FileSystemError>?,
        repositoryRoot: String, request: ScanRequest, manifests: ManifestCache
    ) throws(ScanError) -> Dossier {
        let meta = FeatureAssembler.Meta(metaBytes, slug: feature.slug)
        let mission = request.missionOverride ?? meta.missionType ?? "software-dev"
        let rules = try manifests.load(mission: mission, repositoryRoot: repositoryRoot, fileSystem: fileSystem)
        return try FeatureAssembler.dossier(
            slug: feature.slug, directory: String(decoding: feature.path, as: UTF8.self), walk: walk, meta: meta,
            missionType: mission, rules: rules, request: request)
    }
}

/// The manifests of the mission types met so far, compiled for classification, shared by the workers of one scan.
private final class ManifestCache: Sendable {
    private let loaded = Mutex<[String: ClassificationRules]>([:])

    func load(mission: String, repositoryRoot: String, fileSystem: any ScanFileSystem) throws(ScanError)
        -> ClassificationRules
    {
        let result: Result<ClassificationRules, ManifestError> = loaded.withLock { cache in
            if let cached = cache[mission] { return .success(cached) }
            do throws(ManifestError) {
                let manifest = try ManifestLoader.load(
                    missionType: mission, repositoryRoot: repositoryRoot, fileSystem: fileSystem)
                let rules = ClassificationRules(manifest?.manifest)
                cache[mission] = rules
                return .success(rules)
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let m): return m
        case .failure(let e): throw .manifest(e)
        }
    }
}

/// Serialises progress callbacks so both counts only ever grow, whichever worker finishes first.
private final class ProgressReporter: Sendable {
    private let counts = Mutex<(files: Int, features: Int, bytes: Int64, read: Int64, readReported: Int64)>(
        (0, 0, 0, 0, 0))
    /// Reads add up to this many bytes between two progress reports from reads alone.
    static let readReportStep: Int64 = 8 << 20
    private let featuresTotal: Int
    private let callback: (@Sendable (ScanProgress) -> Void)?

    init(featuresTotal: Int, callback: (@Sendable (ScanProgress) -> Void)?) {
        self.featuresTotal = featuresTotal
        self.callback = callback
    }

    /// False without a callback: the walk then passes no read hook at all.
    var reportsReads: Bool { callback != nil }

    func fileDone(_ slug: String, bytes: Int64) {
        guard let callback else { return }
        counts.withLock { c in
            c.files += 1
            c.bytes &+= bytes
            callback(
                ScanProgress(
                    featureSlug: slug, filesDone: c.files, featuresDone: c.features, featuresTotal: featuresTotal,
                    bytesDone: c.bytes, bytesHashed: c.read))
        }
    }

    /// One read while hashing: reported every `readReportStep` bytes, so a large file's progress moves.
    func bytesRead(_ n: Int, _ slug: String) {
        guard let callback else { return }
        counts.withLock { c in
            c.read &+= Int64(n)
            guard c.read - c.readReported >= Self.readReportStep else { return }
            c.readReported = c.read
            callback(
                ScanProgress(
                    featureSlug: slug, filesDone: c.files, featuresDone: c.features, featuresTotal: featuresTotal,
                    bytesDone: c.bytes, bytesHashed: c.read))
        }
    }

    func featureDone(_ slug: String) {
        guard let callback else { return }
        counts.withLock { c in
            c.features += 1
            callback(
                ScanProgress(
                    featureSlug: slug, filesDone: c.files, featuresDone: c.features, featuresTotal: featuresTotal,
                    bytesDone: c.bytes, bytesHashed: c.read))
        }
    }
}
