import Foundation

/// The result of scanning one feature: its dossier, snapshot, and (when a local baseline exists) drift.
public struct FeatureOutcome: Sendable, Equatable {
    public var dossier: Dossier
    public var snapshot: Snapshot
    public var baseline: Baseline?
    /// nil when no baseline was accepted for this feature and mission type.
    public var drift: DriftReport?
}

/// The whole scan → snapshot → drift computation of `dossier scan` (and of the dashboard's `s` key).
public struct PipelineResult: Sendable, Equatable {
    public var repositoryRoot: String
    public var stateDirectory: String
    public var features: [FeatureOutcome]
    /// Entries directly under `kitty-specs/` that are not features, with their reasons.
    public var skipped: [SkippedEntry] = []
    /// Files read vs trusted from the stat cache.
    public var statistics = ScanStatistics()
    /// How the stat cache was used.
    public var statCache: StatCacheUse = .missing
    /// Problems that did not stop the scan (the stat cache could not be saved), for stderr.
    public var warnings: [String] = []
}

/// Why the pipeline could not run: the scan failed, or a stored baseline is unreadable.
public enum PipelineError: Error, Sendable, Equatable, CustomStringConvertible {
    case scan(ScanError)
    /// The local baseline of `featureSlug` under `missionType` could not be read (the file and why).
    case baseline(featureSlug: String, missionType: String, BaselineStoreError)

    public var description: String {
        switch self {
        case .scan(let e): return e.description
        case .baseline(_, _, let e): return e.description
        }
    }
}

/// Runs scan, snapshot and local drift for a request. Emission is the caller's next step (it has everything needed:
/// dossier, snapshot and drift per feature).
public enum ScanPipeline {
    /// Scans `request`, builds each snapshot, and compares with the local baseline under the resolved state
    /// directory (`explicitStateDirectory`, `DOSSIER_STATE_DIR` in `environment`, else `<repo>/.dossier`). The stat
    /// cache of that directory spares reading unchanged files (`request.rehash` reads them all) and is saved after.
    public static func run(
        _ request: ScanRequest, explicitStateDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment, scanner: Scanner = Scanner(),
        progress: (@Sendable (ScanProgress) -> Void)? = nil
    ) throws(PipelineError) -> PipelineResult {
        let expectedRoot = RepositoryLocator.root(for: request.path)
        let expectedState = StateDirectory.resolve(
            explicit: explicitStateDirectory, environment: environment, repositoryRoot: expectedRoot)
        let cacheStore = StatCacheStore(stateDirectory: expectedState)
        var (cache, cacheUse) = cacheStore.load(repositoryRoot: Array(expectedRoot.utf8))
        let result: ScanResult
        do throws(ScanError) {
            result = try scanner.scan(request, cache: cache, progress: progress)
        } catch {
            throw .scan(error)
        }
        let state = StateDirectory.resolve(
            explicit: explicitStateDirectory, environment: environment,
            repositoryRoot: result.repositoryRoot)
        var warnings: [String] = []
        if state != expectedState || result.repositoryRoot != expectedRoot { cache = nil }
        if request.rehash { cacheUse = .rehash(mismatches: result.statistics.cacheMismatches) }
        // Nothing hashed, so every fresh entry is the cached entry itself, and as many as the cache holds: the merged
        // cache would equal it entry for entry (an unchanged rescan), so neither merge nor compare nor save.
        let unchanged = cache.map { c in
            result.statistics.filesHashed == 0 && result.freshCacheEntries.count == c.entries.count
        } ?? false
        if !unchanged {
            let merged = StatCache.merged(
                previous: cache, fresh: result.freshCacheEntries, scannedPrefixes: result.scannedFeatureDirectories,
                repositoryRoot: Array(result.repositoryRoot.utf8), scanStarted: result.scanStarted)
            // Nothing new to remember: the file on disk already says it all.
            if merged.entries != cache?.entries,
                case .failure(let e) = StatCacheStore(stateDirectory: state).save(merged)
            {
                warnings.append("stat cache not saved (\(e)); the next scan reads every file again")
            }
        }
        let store = BaselineStore(stateDirectory: state)
        let dossiers = result.dossiers
        // Per feature, on the scanner's workers; results in feature order, the first failure in that order wins.
        let outcomes = ParallelWork.map(dossiers.count, workers: scanner.workerCount) {
            i -> Result<FeatureOutcome, PipelineError> in
            let dossier = dossiers[i]
            let snapshot = SnapshotBuilder.snapshot(of: dossier)
            let baseline: Baseline?
            do throws(BaselineStoreError) {
                baseline = try store.load(featureSlug: dossier.featureSlug, missionType: dossier.missionType)
            } catch {
                return .failure(.baseline(featureSlug: dossier.featureSlug, missionType: dossier.missionType, error))
            }
            let drift = baseline.map { DriftDetector.compare(baseline: $0, dossier: dossier, snapshot: snapshot) }
            return .success(FeatureOutcome(dossier: dossier, snapshot: snapshot, baseline: baseline, drift: drift))
        }
        var features: [FeatureOutcome] = []
        features.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            switch outcome {
            case .success(let f): features.append(f)
            case .failure(let e): throw e
            }
        }
        return PipelineResult(
            repositoryRoot: result.repositoryRoot, stateDirectory: state, features: features, skipped: result.skipped,
            statistics: result.statistics, statCache: cacheUse, warnings: warnings)
    }
}
