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
        print(
            "frames=\(r.frameMilliseconds.count) events_loaded=\(r.events) queue_total=\(r.queueTotal)"
                + " median_ms=\(String(format: "%.3f", r.median)) p95_ms=\(String(format: "%.3f", r.p95))")
    }
}
