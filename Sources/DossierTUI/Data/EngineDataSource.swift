import DossierCore
import Foundation
import Synchronization

/// The dashboard's data source over the shared `DossierEngine`: reads the queue (`EventQueue`)
/// directly, polls `dataVersion()` every 250 ms to notice writes by other `dossier` processes,
/// and runs scans, flushes and retries through the engine in detached tasks that publish into a
/// Mutex. Never touches the main actor.
///
/// The Events and Queue panes never hold the queue: each shows a window of about three pages read by keyset
/// queries (`EventQueue.listingPage`) on a serial queue of its own, re-read when the UI's `PageRequest`s or
/// the queue change, so memory stays the same whatever the queue size.
public final class EngineDataSource: DashboardDataSource {
    /// What to watch and how to deliver.
    public struct Configuration: Sendable {
        /// Shown in the header (repository path, or "demo").
        public var sourceLabel: String
        /// Deliver due events in the background every this many seconds (nil: only on `f`).
        public var autoFlushInterval: Double?
        /// Re-scan silently (no events) at startup and after other processes changed the queue.
        public var silentRescan: Bool
        /// Re-scan silently every this many seconds, so edits to the files show as drift, when the repository
        /// cannot be watched (nil: never). While inotify watches `kitty-specs/`, nothing is re-read until it changes.
        public var rescanInterval: Double?
        /// Watch `kitty-specs/` with inotify and re-scan only the features that changed (debounced).
        public var watch: Bool
        /// Quiet time after the last file event before the re-scan starts.
        public var debounce: Double
        /// Run one real scan (events queued, as `s` does) at startup instead of the silent one: the demo's
        /// first impression, so events flow and deliveries show without a key press.
        public var scanAtStart: Bool

        public init(
            sourceLabel: String, autoFlushInterval: Double? = nil, silentRescan: Bool = true,
            rescanInterval: Double? = nil, scanAtStart: Bool = false, watch: Bool = true, debounce: Double = 0.3
        ) {
            self.watch = watch
            self.debounce = debounce
            self.rescanInterval = rescanInterval
            self.scanAtStart = scanAtStart
            self.sourceLabel = sourceLabel
            self.autoFlushInterval = autoFlushInterval
            self.silentRescan = silentRescan
        }
    }

    private struct Shared: Sendable {
        var data: DashboardData
        var parsed: [String: QueueViewMapping.ParsedBody] = [:]
        var status: QueueStatus?
        var statusTime = Date()
        var attempts: [DeliveryAttemptRecord] = []
        var lastVersion: Int?
        var scanning = false
        /// `s` pressed during a scan: exactly one more scan runs when it ends.
        var followUpScan = false
        /// Features the watcher saw change (nil entry set + `changedAll`: a full rescan is needed), and when.
        var changedFeatures = Set<String>()
        var changedAll = false
        var lastChange = Date.distantPast
        /// True while inotify watches the repository (periodic rescans are off then).
        var watching = false
        var flushing = false
        var rescanWanted = false
        var lastRescan = Date.distantPast
        /// When automatic flushes are due (nil: auto-flush off); it backs off while flushes give up on the endpoint.
        var autoFlush: AutoFlushSchedule?
        var stopped = false
        /// What the paged panes ask for, and whether a page read is scheduled / wanted again.
        var requests: [Pane: PageRequest] = [:]
        var paging = false
        var pagesDirty = false
    }

    private let engine: DossierEngine
    private let queue: EventQueue
    private let configuration: Configuration
    private let shared: Mutex<Shared>
    private let poller = Mutex<Task<Void, Never>?>(nil)
    /// Page reads run here, one at a time (blocking SQLite reads stay off the cooperative pool).
    private let pagingQueue = DispatchQueue(label: "dossier.dashboard.pages")
    private let watcher = Mutex<RepositoryWatcher?>(nil)

    /// Opens the engine's queue (creating the state directory if needed).
    public init(engine: DossierEngine, configuration: Configuration) throws(EngineError) {
        self.engine = engine
        self.queue = try engine.queue()
        self.configuration = configuration
        var data = DashboardData(source: configuration.sourceLabel)
        if let delivery = engine.options.delivery { data.endpoint = .idle(endpoint: delivery.displayEndpoint) }
        var shared = Shared(data: data)
        shared.autoFlush = configuration.autoFlushInterval.map { AutoFlushSchedule(interval: $0) }
        self.shared = Mutex(shared)
    }

    private var endpointLabel: String? { engine.options.delivery?.displayEndpoint }

    // MARK: DashboardDataSource

    public func start() {
        refreshFromQueue(force: true)
        if configuration.watch && configuration.silentRescan { startWatching() }
        if configuration.scanAtStart {
            runScan(emit: true)
        } else if configuration.silentRescan {
            runScan(emit: false)
        }
        let task = Task.detached { [self] in
            var tick = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                tick += 1
                self.refreshFromQueue(force: tick % 4 == 0)
                self.maybeAutoFlush()
                self.maybeRescan()
            }
        }
        poller.withLock { $0 = task }
    }

    public func stop() {
        shared.withLock { $0.stopped = true }
        watcher.withLock {
            $0?.stop()
            $0 = nil
        }
        poller.withLock {
            $0?.cancel()
            $0 = nil
        }
        // Close the HTTP client before exit; wait briefly (the UI has already restored the terminal).
        let done = DispatchSemaphore(value: 0)
        Task.detached { [engine] in
            await engine.shutdown()
            done.signal()
        }
        _ = done.wait(timeout: .now() + 3)
    }

    public func snapshot() -> DashboardData { shared.withLock { $0.data } }

    public func scan() { runScan(emit: true) }

    public func flush() { runFlush(manual: true) }

    public func sendBackedOffNow() {
        pagingQueue.async { [self] in  // a blocking SQLite write: off the cooperative pool
            do throws(QueueError) {
                let n = try queue.makeBackedOffDue()
                publish(message: "flush: \(n) backed-off event\(n == 1 ? "" : "s") due now, sending", isError: false)
            } catch {
                publish(message: "flush: could not make the backed-off events due: \(error)", isError: true)
                return
            }
            runFlush(manual: true)
        }
    }

    public func retry(eventID: String) { runRetry(ids: [eventID]) }

    public func retryAllDead() { runRetry(ids: nil) }

    public func acceptBaselines() {
        Task.detached { [self] in
            let options = engine.options
            let request = ScanRequest(
                path: options.scanPath, missionOverride: options.missionOverride, stepOverride: options.stepOverride)
            do {
                // The state as it is now (a fresh scan, not the last one shown), recorded as each feature's baseline.
                let pipeline = try ScanPipeline.run(
                    request, explicitStateDirectory: engine.stateDirectory, environment: options.environment)
                let saved = try engine.acceptBaselines(
                    from: EngineScanOutcome(pipeline: pipeline, events: [], rejected: [], appended: nil),
                    acceptedAt: EventTimestamp.string(from: Date()))
                publish(
                    message:
                        "baseline: accepted the current state of \(saved.count) feature\(saved.count == 1 ? "" : "s")",
                    isError: false)
            } catch {
                publish(message: "baseline failed: \(error)", isError: true)
            }
            shared.withLock { $0.rescanWanted = true }
            runScan(emit: false)
        }
    }

    public func request(pages: [Pane: PageRequest]) {
        let changed = shared.withLock { s -> Bool in
            guard s.requests != pages else { return false }
            s.requests = pages
            return true
        }
        if changed { schedulePages() }
    }

    // MARK: paging

    /// Reads the requested windows on `pagingQueue`; a request arriving meanwhile is read right after.
    private func schedulePages() {
        let start = shared.withLock { s -> Bool in
            if s.paging {
                s.pagesDirty = true
                return false
            }
            s.paging = true
            s.pagesDirty = false
            return true
        }
        guard start else { return }
        pagingQueue.async { [self] in
            while true {
                let requests = shared.withLock { s in
                    s.pagesDirty = false
                    return s.requests
                }
                var windows: [Pane: EventWindow] = [:]
                var failure: String?
                for (pane, request) in requests {
                    do throws(QueueError) {
                        windows[pane] = try loadWindow(pane, request)
                    } catch {
                        failure = "queue: \(error)"
                    }
                }
                let again = shared.withLock { s -> Bool in
                    for (pane, window) in windows where s.data.pages[pane] != window { s.data.pages[pane] = window }
                    if let failure { s.data.message = Message(text: failure, isError: true, at: Date()) }
                    if s.pagesDirty { return true }
                    s.paging = false
                    return false
                }
                if !again { break }
            }
        }
    }

    /// One pane's window: a page before the anchor, the visible rows and a page after (counts exact).
    private func loadWindow(_ pane: Pane, _ request: PageRequest) throws(QueueError) -> EventWindow {
        let scope = PagedList.scope(pane, filter: request.filter, feature: request.feature)
        let margin = 2 * max(1, request.visible) + 1  // two pages each way: a burst of PgUp/PgDn needs no round trip
        let anchor: EventQueue.ListingAnchor =
            switch request.anchor {
            case .head: .first
            case .tail: .last
            case .at(let key, _): .key(key)
            }
        let page = try queue.listingPage(
            scope, anchor: anchor, before: margin,
            after: request.anchor == .tail ? request.visible : request.visible + margin)
        let total =
            request.filter.isEmpty
            ? page.count : try queue.listingCount(PagedList.scope(pane, filter: "", feature: request.feature))
        let rows = shared.withLock { s in
            page.events.map { e in
                let p = s.parsed[e.eventID] ?? QueueViewMapping.parse(body: e.body, featureSlug: e.featureSlug)
                return (e.eventID, p, QueueViewMapping.eventRow(e, parsed: p))
            }
        }
        shared.withLock { s in
            // Keep parsed bodies only for what some window shows now.
            var keep = Set(rows.map(\.0))
            for (p, w) in s.data.pages where p != pane { keep.formUnion(w.rows.map(\.id)) }
            s.parsed = s.parsed.filter { keep.contains($0.key) }
            for (id, p, _) in rows { s.parsed[id] = p }
        }
        return EventWindow(
            request: request, rows: rows.map(\.2), offset: page.offset, anchorIndex: page.anchorIndex,
            count: page.count,
            total: total)
    }

    // MARK: queue polling

    /// Re-reads the queue when `dataVersion()` moved (or `force`, to age the throughput window).
    func refreshFromQueue(force: Bool) {
        let version: Int
        do {
            version = try queue.dataVersion()
        } catch {
            publish(message: "queue: \(error)", isError: true)
            return
        }
        let changed = shared.withLock { s -> Bool in
            let changed = s.lastVersion != version
            s.lastVersion = version
            if changed && s.lastRescan != .distantPast { s.rescanWanted = true }
            return changed
        }
        if changed {
            reloadQueue()
        } else if force {
            let now = Date()
            shared.withLock { s in
                if let status = s.status {
                    let summary = QueueViewMapping.summary(
                        status, attempts: s.attempts, statusTime: s.statusTime, now: now,
                        notBefore: s.autoFlush?.backOffUntil)
                    if summary != s.data.queue { s.data.queue = summary }  // unchanged: no new revision, no redraw work
                }
            }
        }
    }

    private func reloadQueue() {
        let now = Date()
        do {
            let status = try queue.status(now: now)
            let attempts = try queue.recentAttempts(limit: 100)
            shared.withLock { s in
                s.status = status
                s.statusTime = now
                s.attempts = attempts
                s.data.deliveries = attempts.map(QueueViewMapping.attemptRow)
                s.data.queue = QueueViewMapping.summary(
                    status, attempts: attempts, statusTime: now, now: now, notBefore: s.autoFlush?.backOffUntil)
                s.data.endpoint = QueueViewMapping.endpointState(
                    endpoint: endpointLabel, recorded: status.endpoints, flushing: s.flushing,
                    pending: status.counts[.pending] ?? 0, nextAttempt: status.nextAttemptAt, attempts: attempts,
                    nextTry: s.autoFlush?.backOffUntil)
            }
        } catch {
            publish(message: "queue: \(error)", isError: true)
        }
        schedulePages()
    }

    // MARK: commands

    // MARK: watching

    /// The `kitty-specs/` folder of the scan target, and whether the target is the whole repository (else a
    /// single feature folder, always re-scanned whole).
    private var watchedFolder: (path: String, wholeRepository: Bool) {
        let target = engine.options.scanPath
        let root = RepositoryLocator.root(for: target)
        let specs = (root as NSString).appendingPathComponent("kitty-specs")
        let whole =
            RepositoryLocator.canonical(target) == RepositoryLocator.canonical(root)
            || RepositoryLocator.canonical(target) == RepositoryLocator.canonical(specs)
        return (specs, whole)
    }

    private func startWatching() {
        let folder = watchedFolder
        do throws(RepositoryWatcher.Failure) {
            let w = try RepositoryWatcher(root: folder.path) { [weak self] change in
                self?.shared.withLock { s in
                    switch change {
                    case .features(let slugs):
                        if folder.wholeRepository { s.changedFeatures.formUnion(slugs) } else { s.changedAll = true }
                    case .everything: s.changedAll = true
                    }
                    s.lastChange = Date()
                }
            }
            watcher.withLock { $0 = w }
            shared.withLock { $0.watching = true }
        } catch {
            let every = configuration.rescanInterval.map { " every \(Int($0)) s" } ?? " only on s"
            publish(message: "not watching \(folder.path) (\(error)): rescanning\(every)", isError: true)
        }
    }

    /// Folds a scan of some features into the shown list: replaced by slug, removed when their folder is gone.
    static func merge(
        _ current: [FeatureSummary], drift: [DriftReport], scanned: [FeatureOutcome], gone: Set<String>
    ) -> ([FeatureSummary], [DriftReport]) {
        let bySlug = Dictionary(scanned.map { ($0.snapshot.featureSlug, $0) }, uniquingKeysWith: { a, _ in a })
        let features = current.compactMap { f -> FeatureSummary? in
            let slug = f.snapshot.featureSlug
            if gone.contains(slug) { return nil }
            guard let o = bySlug[slug] else { return f }
            return FeatureSummary(
                snapshot: o.snapshot, artifacts: o.dossier.artifacts, anomalies: o.dossier.anomalies,
                baseline: o.baseline)
        }
        let touched = gone.union(bySlug.keys)
        var reports = drift.filter { !touched.contains($0.featureSlug) }
        reports += scanned.compactMap(\.drift).filter(\.hasDrift)
        let order = Dictionary(
            features.enumerated().map { ($1.snapshot.featureSlug, $0) }, uniquingKeysWith: { a, _ in a })
        reports.sort { (order[$0.featureSlug] ?? .max) < (order[$1.featureSlug] ?? .max) }
        return (features, reports)
    }

    /// Re-scans (silently) only `slugs`, each as its own feature folder; the stat cache keeps every other entry.
    private func runPartialScan(_ slugs: Set<String>) {
        let started = shared.withLock { s -> Bool in
            guard !s.scanning else { return false }
            s.scanning = true
            s.lastRescan = Date()
            let names = slugs.sorted()
            s.data.activity = Activity(
                title: "rescanning",
                detail: "\(names.count) changed feature\(names.count == 1 ? "" : "s"): "
                    + names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : ""))
            return true
        }
        guard started else {
            shared.withLock { s in s.changedFeatures.formUnion(slugs) }  // after the running scan
            return
        }
        let specs = watchedFolder.path
        Task.detached { [self] in
            let options = engine.options
            var outcomes: [FeatureOutcome] = []
            var gone = Set<String>()
            var failure: String?
            for slug in slugs.sorted() {
                let path = (specs as NSString).appendingPathComponent(slug)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
                else {
                    gone.insert(slug)
                    continue
                }
                do {
                    let pipeline = try ScanPipeline.run(
                        ScanRequest(
                            path: path, missionOverride: options.missionOverride, stepOverride: options.stepOverride),
                        explicitStateDirectory: engine.stateDirectory, environment: options.environment)
                    outcomes += pipeline.features
                } catch {
                    failure = "rescan of \(slug) failed: \(error)"
                }
            }
            shared.withLock { s in
                s.scanning = false
                let (features, drift) = Self.merge(s.data.features, drift: s.data.drift, scanned: outcomes, gone: gone)
                if features != s.data.features { s.data.features = features }
                if drift != s.data.drift { s.data.drift = drift }
                if s.data.activity != nil { s.data.activity = nil }
                let names = slugs.sorted()
                let text =
                    failure
                    ?? "watch: rescanned \(names.count) changed feature\(names.count == 1 ? "" : "s") ("
                    + names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "") + ")"
                s.data.message = Message(text: text, isError: failure != nil, at: Date())
            }
            runFollowUpScan()
        }
    }

    private func runScan(emit: Bool) {
        let started = shared.withLock { s -> Bool in
            guard !s.scanning else { return false }
            s.scanning = true
            s.lastRescan = Date()
            s.rescanWanted = false
            // A full scan covers whatever the watcher saw so far.
            s.changedFeatures = []
            s.changedAll = false
            if emit { s.data.activity = Activity(title: "scanning", fraction: 0) }
            return true
        }
        guard started else {
            guard emit else { return }
            let queued = shared.withLock { s -> Bool in
                defer { s.followUpScan = true }
                return !s.followUpScan
            }
            publish(
                message: queued
                    ? "scan running: one follow-up scan queued (starts when this one ends)"
                    : "scan running: a follow-up scan is already queued",
                isError: false)
            return
        }
        // A silent rescan while features are shown is a refresh; the first one is the start-up scan.
        let title = emit || shared.withLock({ $0.data.features.isEmpty }) ? "scanning" : "rescanning"
        shared.withLock { $0.data.activity = Activity(title: title, fraction: 0, detail: "finding features") }
        let clock = ContinuousClock()
        let startedAt = clock.now
        let lastPublished = Mutex(startedAt)
        Task.detached { [self] in
            let progress: @Sendable (ScanProgress) -> Void = { p in
                // At most ~10 updates a second (the UI's tick), and always the last feature.
                let now = clock.now
                let due = lastPublished.withLock { last -> Bool in
                    guard now - last >= .milliseconds(100) || p.featuresDone == p.featuresTotal else { return false }
                    last = now
                    return true
                }
                guard due else { return }
                let activity = Self.scanActivity(title: title, p, elapsed: now - startedAt)
                self.shared.withLock { $0.data.activity = activity }
            }
            do {
                let features: [FeatureOutcome]
                var summary = ""
                var skipped = 0
                if emit {
                    let outcome = try engine.scan(progress: progress)
                    features = outcome.pipeline.features
                    skipped = outcome.pipeline.skipped.count
                    summary = Self.summary(outcome)
                } else {
                    let options = engine.options
                    let request = ScanRequest(
                        path: options.scanPath, missionOverride: options.missionOverride,
                        stepOverride: options.stepOverride)
                    let pipeline = try ScanPipeline.run(
                        request, explicitStateDirectory: engine.stateDirectory, environment: options.environment,
                        progress: progress)
                    features = pipeline.features
                    skipped = pipeline.skipped.count
                }
                shared.withLock { s in
                    s.scanning = false
                    let summaries = features.map {
                        FeatureSummary(
                            snapshot: $0.snapshot, artifacts: $0.dossier.artifacts, anomalies: $0.dossier.anomalies,
                            baseline: $0.baseline)
                    }
                    let drift = features.compactMap(\.drift).filter(\.hasDrift)
                    // Assign only what changed: an unchanged silent rescan costs the UI nothing.
                    if summaries != s.data.features { s.data.features = summaries }
                    if drift != s.data.drift { s.data.drift = drift }
                    if skipped != s.data.skipped { s.data.skipped = skipped }
                    if s.data.activity != nil { s.data.activity = nil }
                    if emit { s.data.message = Message(text: summary, at: Date()) }
                }
                runFollowUpScan()
            } catch {
                shared.withLock { s in
                    s.scanning = false
                    s.data.activity = nil
                    if emit || s.data.features.isEmpty {
                        s.data.message = Message(text: "scan failed: \(error)", isError: true, at: Date())
                    }
                }
                runFollowUpScan()
            }
            refreshFromQueue(force: true)
        }
    }

    /// Starts the scan `s` queued during the last one, if any.
    private func runFollowUpScan() {
        let wanted = shared.withLock { s -> Bool in
            defer { s.followUpScan = false }
            return s.followUpScan
        }
        if wanted { runScan(emit: true) }
    }

    /// `165/412 features · 3,210 files · 41.2 MB · 512.0 MB hashed at 80.3 MB/s · 042-login` for the header: files
    /// and MB finished, then the bytes read so far (they move while one large file hashes) and their rate.
    static func scanActivity(title: String, _ p: ScanProgress, elapsed: Duration) -> Activity {
        let fraction = p.featuresTotal > 0 ? Double(p.featuresDone) / Double(p.featuresTotal) : nil
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let mb = Double(p.bytesDone) / 1_000_000
        let hashedMB = Double(p.bytesHashed) / 1_000_000
        var detail =
            "\(p.featuresDone)/\(p.featuresTotal) features · \(p.filesDone) files · " + String(format: "%.1f MB", mb)
        if p.bytesHashed > 0 {
            detail += String(format: " · %.1f MB hashed", hashedMB)
            if seconds > 0.05 { detail += String(format: " at %.1f MB/s", hashedMB / seconds) }
        }
        return Activity(title: title, fraction: fraction, detail: detail + " · " + p.featureSlug)
    }

    /// "scan: 2 features, 14 events queued (3 already queued), 1 rejected".
    static func summary(_ outcome: EngineScanOutcome) -> String {
        let n = outcome.pipeline.features.count
        var text = "scan: \(n) feature\(n == 1 ? "" : "s")"
        if let appended = outcome.appended {
            text += ", \(appended.inserted) event\(appended.inserted == 1 ? "" : "s") queued"
            if appended.duplicates > 0 { text += " (\(appended.duplicates) already queued)" }
        }
        if !outcome.rejected.isEmpty { text += ", \(outcome.rejected.count) invalid (not queued)" }
        return text
    }

    private func runFlush(manual: Bool) {
        guard let endpoint = endpointLabel else {
            if manual {
                publish(
                    message:
                        "flush: no endpoint configured (set DOSSIER_WEBHOOK_URL and DOSSIER_WEBHOOK_SECRET, or .dossier/config.toml)",
                    isError: true)
            }
            return
        }
        let started = shared.withLock { s -> Bool in
            guard !s.flushing, !s.stopped else { return false }
            s.flushing = true
            s.autoFlush?.started(at: Date())
            s.data.endpoint = .delivering(endpoint: endpoint)
            s.data.activity = Activity(title: "delivering")
            return true
        }
        guard started else {
            if manual { publish(message: "flush already running", isError: false) }
            return
        }
        Task.detached { [self] in
            let message: Message?
            let gaveUp: Bool
            do {
                let summary = try await engine.flush { progress in
                    self.shared.withLock {
                        $0.data.activity = Activity(title: "delivering", detail: progress.description)
                    }
                }
                message = manual || summary.attempts > 0 ? Message(text: "flush: \(summary)", at: Date()) : nil
                gaveUp = summary.unreachable || summary.paused != nil
            } catch {
                message = Message(text: "flush failed: \(error)", isError: true, at: Date())
                gaveUp = true
            }
            shared.withLock { s in
                s.flushing = false
                s.autoFlush?.ended(gaveUp: gaveUp, at: Date())
                s.data.activity = nil
                if let message { s.data.message = message }
                s.lastVersion = nil  // re-read: counts and the endpoint state changed
            }
            refreshFromQueue(force: true)
        }
    }

    private func maybeAutoFlush() {
        let due = shared.withLock { s in
            !s.flushing && (s.autoFlush?.isDue(at: Date()) ?? false)
                && (s.status.map { ($0.counts[.pending] ?? 0) > 0 } ?? false)
                && (s.status?.nextAttemptAt.map { $0 <= Date() } ?? false)
        }
        if due { runFlush(manual: false) }
    }

    private enum Rescan {
        case none, all
        case features(Set<String>)
    }

    /// Starts the rescan that is due: after the watcher's events went quiet for `debounce` seconds (only the changed
    /// features, or all after an overflow or a change directly under kitty-specs/), after another process changed the
    /// queue, or periodically when the repository is not watched.
    private func maybeRescan() {
        guard configuration.silentRescan else { return }
        let due = shared.withLock { s -> Rescan in
            guard !s.scanning else { return .none }
            let now = Date()
            let since = now.timeIntervalSince(s.lastRescan)
            let quiet = now.timeIntervalSince(s.lastChange) >= configuration.debounce
            if quiet && s.changedAll { return .all }
            if quiet && !s.changedFeatures.isEmpty {
                defer { s.changedFeatures = [] }
                return .features(s.changedFeatures)
            }
            let periodic = !s.watching && (configuration.rescanInterval.map { since >= $0 } ?? false)
            return (s.rescanWanted || periodic) && since >= 1 ? .all : .none
        }
        switch due {
        case .none: break
        case .all: runScan(emit: false)
        case .features(let slugs): runPartialScan(slugs)
        }
    }

    private func runRetry(ids: [String]?) {
        Task.detached { [self] in
            do {
                let n = try engine.retryDead(eventIDs: ids)
                let what = ids == nil ? "all dead events" : "the selected event"
                publish(message: "retry: \(n) event\(n == 1 ? "" : "s") back to pending (\(what))", isError: false)
            } catch {
                publish(message: "retry failed: \(error)", isError: true)
            }
            refreshFromQueue(force: true)
        }
    }

    private func publish(message: String, isError: Bool) {
        shared.withLock { $0.data.message = Message(text: message, isError: isError, at: Date()) }
    }
}
