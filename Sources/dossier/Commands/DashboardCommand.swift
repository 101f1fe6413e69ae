import ArgumentParser
import DossierCore
import DossierReceiver
import DossierTUI
import Foundation
import Logging

/// `dossier dashboard [PATH] [--demo] [--read-only] [--no-color]`: the ncurses dashboard.
/// The default subcommand: plain `dossier` opens it on the repository around the working directory.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Watch scans, the queue, deliveries and drift live; scan, flush and retry from the keyboard.",
        discussion: """
            Keys: s scan, f flush, r retry the selected dead event, R retry all dead (asks y/N), b accept the \
            current state as the baseline (asks y/N), Tab or 1-5 \
            focus, arrows or j/k move, Enter details, / filter, p pause the feed, ? help, q quit. Honours \
            NO_COLOR. Needs a terminal of at least 80x24. Without PATH and outside a repository with \
            kitty-specs/, opens the bundled demo.
            """)

    @Argument(help: "Repository, kitty-specs/ folder or feature folder (default: the working directory).")
    var path: String?

    @Flag(help: "Open the bundled demo mission (scanned once at start) with a local receiver, even in a repository.")
    var demo = false

    @Flag(help: "Watch only: disable the scan, flush, retry and baseline keys.")
    var readOnly = false

    @Flag(help: "No colors (NO_COLOR in the environment does the same). Meaning never depends on color.")
    var noColor = false

    @Flag(help: "No mouse: clicks and the wheel stay with the terminal (its own text selection).")
    var noMouse = false

    @Option(help: "Webhook URL to deliver to (default: $DOSSIER_WEBHOOK_URL, else config.toml [delivery] url).")
    var endpoint: String?

    @Option(help: "File holding the webhook secret (whsec_...), mode 0600.")
    var secretFile: String?

    @Option(help: .hidden) var autoFlush: Double?

    @OptionGroup var state: StateOptions

    func validate() throws {
        // `dossier typo` lands here as a PATH: say so before any terminal check.
        if let path, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError(
                "'\(path)': no such file or directory, and not a subcommand (see `dossier --help`)")
        }
    }

    func run() async throws {
        ProcessMemory.limitMallocArenas()
        do {
            let code = try await launch()
            if code != 0 { throw ExitCode(code) }
        } catch let error as DashboardLaunchError {
            FileHandle.standardError.write(Data("dossier: \(TerminalText.escape("\(error)"))\n".utf8))
            throw ExitCode(2)
        } catch let error as DashboardError {
            FileHandle.standardError.write(Data("\(TerminalText.escapeLines("\(error)"))\n".utf8))
            throw ExitCode(2)
        }
    }

    /// Opens the queue, builds the data source and runs the UI; returns the exit code.
    private func launch() async throws -> Int32 {
        try DashboardApp.checkTerminal()
        let environment = ProcessInfo.processInfo.environment
        let target = RepositoryLocator.canonical(path ?? FileManager.default.currentDirectoryPath)
        let root = RepositoryLocator.root(for: target)
        // A repository with feature folders; a git repository without kitty-specs/ has nothing to show.
        if demo || (path == nil && !RepositoryLocator.hasFeatures(root)) {
            return try await launchDemo(environment: environment)
        }
        let stateDir = StateDirectory.resolve(explicit: state.stateDir, environment: environment, repositoryRoot: root)
        let delivery = try Self.deliveryConfiguration(
            endpoint: endpoint, secretFile: secretFile, environment: environment, stateDir: stateDir)
        let engine = DossierEngine(
            options: .init(
                scanPath: target, explicitStateDirectory: state.stateDir, environment: environment, delivery: delivery),
            logger: Self.quietLogger)
        return try await runDashboard(
            engine: engine, label: target, autoFlush: delivery != nil && !readOnly, rescanInterval: 10)
    }

    /// Runs the UI over `engine`. `autoFlush`: deliver due events every 2 s (`--auto-flush SECONDS`,
    /// hidden, changes the period; 0 turns it off, for tests of `f`).
    private func runDashboard(
        engine: DossierEngine, label: String, autoFlush: Bool, rescanInterval: Double, scanAtStart: Bool = false
    )
        async throws
        -> Int32
    {
        let autoFlush = autoFlush && (self.autoFlush ?? 2) > 0
        let source: EngineDataSource
        do {
            source = try EngineDataSource(
                engine: engine,
                configuration: .init(
                    sourceLabel: label, autoFlushInterval: autoFlush ? (self.autoFlush ?? 2) : nil,
                    rescanInterval: rescanInterval, scanAtStart: scanAtStart))
        } catch {
            throw DashboardLaunchError.queue(error.description)
        }
        return try await DashboardApp.run(
            dataSource: source, options: DashboardOptions(readOnly: readOnly, color: !noColor, mouse: !noMouse))
    }

    /// The bundled demo: lays the demo mission out (kept between runs, so edits show as drift), accepts
    /// a baseline the first time, starts the reference receiver on a free loopback port with injected
    /// failures (20 % answered 500, `artifact_missing` events rejected once → a dead letter `r` clears), and
    /// delivers to it.
    private func launchDemo(environment: [String: String]) async throws -> Int32 {
        let dir = DemoMission.defaultDirectory(environment: environment)
        do { try DemoMission.materialize(into: dir) } catch { throw DashboardLaunchError.demo(error.description) }
        let stateDir = StateDirectory.resolve(explicit: state.stateDir, environment: environment, repositoryRoot: dir)
        do throws(OwnerOnlyError) { try OwnerOnlyFiles.makeDirectories(stateDir) } catch {
            throw DashboardLaunchError.demo("cannot create \(error.description)")
        }
        // First run: the current files become the baseline, so an edit shows as drift.
        let silent = DossierEngine(
            options: .init(scanPath: dir, explicitStateDirectory: stateDir, environment: environment, emit: false),
            logger: Self.quietLogger)
        do {
            let outcome = try silent.scan()
            let unbaselined = outcome.pipeline.features.filter { $0.baseline == nil }
            if !unbaselined.isEmpty {
                _ = try silent.acceptBaselines(from: outcome, acceptedAt: EventTimestamp.string(from: Date()))
            }
        } catch {
            throw DashboardLaunchError.demo("scan of \(dir) failed: \(error)")
        }

        let secret = WebhookSecret.generate()
        var faults = FaultConfiguration(
            failRate: 0.2, rejectEventType: "mission_dossier_artifact_missing",
            // DOSSIER_DEMO_SEED replays the same injected failures (tests, bug reports); random otherwise.
            seed: environment["DOSSIER_DEMO_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max))
        // The `artifact_missing` event is rejected at its first arrival only (whatever the seed): a dead letter
        // within seconds that `r` clears (its retry is accepted).
        faults.rejectOnce = true
        let receiver: WebhookReceiver
        let port: Int
        do {
            receiver = try WebhookReceiver(
                configuration: ReceiverConfiguration(
                    secret: secret, storePath: (stateDir as NSString).appendingPathComponent("demo-receiver.sqlite"),
                    port: 0, faults: faults))
            port = try await receiver.start()
        } catch {
            throw DashboardLaunchError.demo("cannot start the demo receiver: \(error)")
        }
        var delivery = DeliveryConfiguration(endpoint: "http://127.0.0.1:\(port)/webhook", secret: secret)
        // Short delays so retries are visible within a minute (the real default starts at 5 s, then 5 min).
        delivery.schedule = RetrySchedule(delays: [2, 4, 8, 15, 30, 60, 120])
        let engine = DossierEngine(
            options: .init(
                scanPath: dir, explicitStateDirectory: stateDir, environment: environment, delivery: delivery),
            logger: Self.quietLogger)
        // A teammate's edit ~12 s in: a drift within the first half minute without typing (not in --read-only;
        // DOSSIER_DEMO_TEAMMATE=0 leaves the files alone).
        if !readOnly && environment["DOSSIER_DEMO_TEAMMATE"] != "0" {
            DispatchQueue.global().asyncAfter(deadline: .now() + 12) { _ = try? DemoMission.teammateEdit(in: dir) }
        }
        let code: Int32
        do {
            // First impression: one queued scan at start (not in --read-only), so events flow and the
            // deliveries succeed and fail within seconds without a key press.
            code = try await runDashboard(
                engine: engine, label: "demo \(dir)", autoFlush: !readOnly, rescanInterval: 2,
                scanAtStart: !readOnly)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
        return code
    }

    /// Log lines would scribble over the curses screen: only errors, and to stderr (which the
    /// curses screen covers until exit).
    static var quietLogger: Logger {
        var logger = Logger(label: "dossier.dashboard") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        return logger
    }

    /// Endpoint + secret from flags, environment, then `<state>/config.toml`; nil when no endpoint is
    /// configured (the dashboard then says so on `f`). A configured but invalid endpoint/secret is an error.
    static func deliveryConfiguration(
        endpoint: String?, secretFile: String?, environment: [String: String], stateDir: String
    ) throws -> DeliveryConfiguration? {
        do {
            return try DeliverySettings.configuration(
                endpointFlag: endpoint, secretFile: secretFile, environment: environment, stateDirectory: stateDir)
        } catch .noEndpoint {
            return nil
        } catch {
            throw DashboardLaunchError.delivery(error.description)
        }
    }
}

/// Why the dashboard did not start (printed as `Error: ...`, exit status 2).
enum DashboardLaunchError: Error, CustomStringConvertible {
    case demo(String)
    case queue(String)
    case delivery(String)

    var description: String {
        switch self {
        case .demo(let message): "demo: \(message)"
        case .queue(let message): "dashboard: \(message)"
        case .delivery(let message): "dashboard: delivery settings: \(message)"
        }
    }
}
