import Foundation
import Logging
import Synchronization

/// The shared core that the CLI and the dashboard drive (`Engine/`): scan → snapshot → drift → emit into
/// the queue, flush the queue to the endpoint, retry dead events. Methods block or suspend the caller; the dashboard
/// calls them from background tasks.
public final class DossierEngine: Sendable {
    /// What the engine works on and how.
    public struct Options: Sendable {
        /// A feature folder, a `kitty-specs/` folder or a repository root.
        public var scanPath: String
        public var missionOverride: String?
        public var stepOverride: String?
        /// `--state-dir`; else `DOSSIER_STATE_DIR`; else `<repository>/.dossier`.
        public var explicitStateDirectory: String?
        public var environment: [String: String]
        /// Queue the events of each scan (off for `scan --no-emit`).
        public var emit: Bool
        /// The `actor` of emitted envelopes (`DOSSIER_ACTOR` by default).
        public var actor: String?
        /// Endpoint, secret and retry policy; nil when no endpoint is configured (flush then fails with a reason).
        public var delivery: DeliveryConfiguration?
        /// Why `delivery` is nil, for the message of a flush that cannot run.
        public var deliveryUnavailableReason: String?
        /// `scan --rehash`: read every file, whatever the stat cache says.
        public var rehash = false

        public init(
            scanPath: String, missionOverride: String? = nil, stepOverride: String? = nil,
            explicitStateDirectory: String? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment, emit: Bool = true,
            actor: String? = nil, delivery: DeliveryConfiguration? = nil, deliveryUnavailableReason: String? = nil
        ) {
            self.scanPath = scanPath
            self.missionOverride = missionOverride
            self.stepOverride = stepOverride
            self.explicitStateDirectory = explicitStateDirectory
            self.environment = environment
            self.emit = emit
            self.actor = actor ?? environment["DOSSIER_ACTOR"]
            self.delivery = delivery
            self.deliveryUnavailableReason = deliveryUnavailableReason
        }
    }

    public let options: Options
    /// The repository that holds `scanPath`.
    public let repositoryRoot: String
    /// Where the queue, baselines and config live.
    public let stateDirectory: String
    private let logger: Logger
    private let openQueue = Mutex<EventQueue?>(nil)
    private let worker = Mutex<DeliveryWorker?>(nil)

    public init(options: Options, logger: Logger = Logger(label: "dossier.engine")) {
        self.options = options
        self.logger = logger
        repositoryRoot = RepositoryLocator.root(for: options.scanPath)
        stateDirectory = StateDirectory.resolve(
            explicit: options.explicitStateDirectory, environment: options.environment, repositoryRoot: repositoryRoot)
    }

    /// The queue of the state directory, opened once (created on first use).
    public func queue() throws(EngineError) -> EventQueue {
        let result: Result<EventQueue, QueueError> = openQueue.withLock { cached in
            if let cached { return .success(cached) }
            do throws(QueueError) {
                let queue = try EventQueue(stateDirectory: stateDirectory)
                cached = queue
                return .success(queue)
            } catch {
                return .failure(error)
            }
        }
        do { return try result.get() } catch { throw .queue(error) }
    }

    /// Scans, snapshots, compares with the local baseline and, unless emission is off, validates the four event
    /// types and appends all of this scan's events to the queue in one transaction.
    public func scan(progress: (@Sendable (ScanProgress) -> Void)? = nil) throws(EngineError) -> EngineScanOutcome {
        let request = ScanRequest(
            path: options.scanPath, missionOverride: options.missionOverride, stepOverride: options.stepOverride,
            rehash: options.rehash)
        // Open (and integrity-check) the queue before the scan writes anything, such as the stat cache: a refused
        // queue leaves the whole state folder as it was.
        let queue = options.emit ? try queue() : nil
        let pipeline: PipelineResult
        do {
            pipeline = try ScanPipeline.run(
                request, explicitStateDirectory: stateDirectory, environment: options.environment, progress: progress)
        } catch {
            throw .pipeline(error)
        }
        guard let queue else {
            return EngineScanOutcome(pipeline: pipeline, events: [], rejected: [], appended: nil)
        }
        let emitter = EventEmitter(actor: options.actor, logger: logger)
        var events: [EventEnvelope] = []
        var rejected: [EventValidationError] = []
        for feature in pipeline.features {
            let emission = emitter.events(for: feature.dossier, snapshot: feature.snapshot, drift: feature.drift)
            events += emission.events
            rejected += emission.rejected
        }
        let appended: AppendResult
        do throws(QueueError) { appended = try queue.append(events) } catch { throw .queue(error) }
        return EngineScanOutcome(pipeline: pipeline, events: events, rejected: rejected, appended: appended)
    }

    /// Delivers what is due now (or, with `untilEmpty`, until nothing is pending) to the configured endpoint.
    public func flush(untilEmpty: Bool = false, progress: (@Sendable (FlushSummary) -> Void)? = nil)
        async throws(EngineError) -> FlushSummary
    {
        let worker = try deliveryWorker()
        do {
            return try await worker.flush(untilEmpty: untilEmpty, progress: progress)
        } catch {
            throw .delivery(error)
        }
    }

    /// Moves dead events back to pending with attempts reset (nil = every dead event). Returns how many moved.
    public func retryDead(eventIDs: [String]?) throws(EngineError) -> Int {
        let queue = try queue()
        do throws(QueueError) { return try queue.retryDead(eventIDs: eventIDs) } catch { throw .queue(error) }
    }

    /// Records the current state of every scanned feature as its baseline.
    public func acceptBaselines(from outcome: EngineScanOutcome, acceptedAt: String) throws -> [Baseline] {
        let store = BaselineStore(stateDirectory: stateDirectory)
        var saved: [Baseline] = []
        for feature in outcome.pipeline.features {
            let baseline = BaselineStore.baseline(
                from: feature.dossier, snapshot: feature.snapshot, acceptedAt: acceptedAt, source: "local")
            try store.save(baseline)
            saved.append(baseline)
        }
        return saved
    }

    /// Releases the HTTP client. Call once before the process ends if `flush` was used.
    public func shutdown() async {
        let current = worker.withLock { w in
            let current = w
            w = nil
            return current
        }
        await current?.shutdown()
    }

    private func deliveryWorker() throws(EngineError) -> DeliveryWorker {
        guard let configuration = options.delivery else {
            throw .deliveryNotConfigured(
                options.deliveryUnavailableReason
                    ?? "set DOSSIER_WEBHOOK_URL and DOSSIER_WEBHOOK_SECRET, or [delivery] in .dossier/config.toml")
        }
        let queue = try queue()
        return worker.withLock { w in
            if let w { return w }
            let created = DeliveryWorker(queue: queue, configuration: configuration)
            w = created
            return created
        }
    }
}
