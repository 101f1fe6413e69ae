import DossierCore
import DossierReceiver
import Foundation

/// The no-set-up run (`dossier` outside a repository, or `--demo`): the bundled demo mission laid out on disk, a
/// reference receiver on loopback that injects some failures, and an engine wired to both, so a new user sees events
/// flow, deliveries succeed and fail, retries happen, and drift appear after editing a demo file.
struct DemoEnvironment: Sendable {
    /// The demo repository (holds `kitty-specs/`).
    let root: String
    /// The receiver's base URL, e.g. `http://127.0.0.1:41234`.
    let baseURL: String
    let receiver: WebhookReceiver
    let engineOptions: DossierEngine.Options

    /// Failures the demo receiver injects: one request in four fails with a 5xx or a 429, so retries are visible.
    static let faults = FaultConfiguration(
        failRate: 0.25, retryAfter: 2, seed: UInt64(Date().timeIntervalSince1970))
    /// Short retry delays, so a retry is seen within seconds rather than the production 5 s … 10 h.
    static let schedule = RetrySchedule(delays: [2, 4, 8, 15, 30, 60, 120], jitter: 0.2, retryAfterCap: 10)

    /// Lays out the demo (keeping earlier edits), starts the receiver, and records a first baseline if none exists.
    static func start(environment: [String: String], explicitStateDirectory: String?) async throws -> DemoEnvironment {
        let root = DemoMission.defaultDirectory(environment: environment)
        try DemoMission.materialize(into: root)
        let state = StateDirectory.resolve(
            explicit: explicitStateDirectory, environment: environment, repositoryRoot: root)
        try FileManager.default.createDirectory(
            atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let secret = WebhookSecret.generate()
        var receiverConfiguration = ReceiverConfiguration(
            secret: secret, storePath: (state as NSString).appendingPathComponent("demo-receiver.sqlite"))
        receiverConfiguration.faults = faults
        let receiver = try WebhookReceiver(configuration: receiverConfiguration)
        let port = try await receiver.start()
        let baseURL = "http://127.0.0.1:\(port)"

        var delivery = DeliveryConfiguration(endpoint: baseURL + "/webhook", secret: secret)
        delivery.schedule = schedule
        let options = DossierEngine.Options(
            scanPath: root, explicitStateDirectory: state, environment: environment, actor: "dossier-demo",
            delivery: delivery)

        // A first baseline, so that editing a demo file shows as drift in the dashboard.
        let probe = try ScanPipeline.run(ScanRequest(path: root), explicitStateDirectory: state, environment: environment)
        var withoutBaseline = probe
        withoutBaseline.features = probe.features.filter { $0.baseline == nil }
        if !withoutBaseline.features.isEmpty {
            let outcome = EngineScanOutcome(pipeline: withoutBaseline, events: [], rejected: [], appended: nil)
            _ = try DossierEngine(options: options).acceptBaselines(
                from: outcome, acceptedAt: EventTimestamp.string(from: Date()))
        }
        return DemoEnvironment(root: root, baseURL: baseURL, receiver: receiver, engineOptions: options)
    }

    func stop() async { await receiver.stop() }
}
