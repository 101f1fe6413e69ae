import ArgumentParser
import DossierCore
import DossierTUI
import Foundation
import Logging

/// `dossier-bench frames [PATH] --frames N`: loads the real queue through the dashboard's data source and renders
/// N frames off-screen (no terminal), printing the frame times (scripts/bench-tui.sh).
struct FramesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frames", abstract: "Time dashboard frames over the real queue, without a terminal.")

    @Argument(help: "Repository, kitty-specs/ folder or feature folder (default: the working directory).")
    var path: String?

    @Option(help: "Frames to render.") var frames = 1000

    @OptionGroup var state: BenchStateOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let target = RepositoryLocator.canonical(path ?? FileManager.default.currentDirectoryPath)
        var logger = Logger(label: "dossier-bench.frames") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let engine = DossierEngine(
            options: .init(scanPath: target, explicitStateDirectory: state.stateDir, environment: environment),
            logger: logger)
        let source: EngineDataSource
        do {
            source = try EngineDataSource(
                engine: engine, configuration: .init(sourceLabel: target, rescanInterval: 10))
        } catch {
            throw BenchFailure.exit("frames: \(error.description)")
        }
        let r = await DashboardBenchmark.measure(dataSource: source, frames: max(1, frames))
        func ms(_ v: Double) -> String { String(format: "%.3f", v) }
        // median_ms: the frame while events arrive (the UI loop's cache); change_*: a frame after a scan changed the
        // data (every pane's rows rebuilt); draw_*: the floor, drawing the frame from rows already built.
        print(
            "frames=\(r.eventsArriving.milliseconds.count) built=\(r.eventsArrivingBuilt) events_loaded=\(r.events)"
                + " queue_total=\(r.queueTotal) features=\(r.features) artifact_rows=\(r.artifactRows)"
                + " median_ms=\(ms(r.eventsArriving.median)) p95_ms=\(ms(r.eventsArriving.p95))"
                + " change_median_ms=\(ms(r.dataChange.median)) change_p95_ms=\(ms(r.dataChange.p95))"
                + " draw_median_ms=\(ms(r.drawOnly.median))")
    }
}
