import ArgumentParser
import DossierCore
import Foundation

/// `dossier scan [PATH] [--mission M] [--step S] [--json] [--no-emit]`: scan, snapshot and local drift (DESIGN §8).
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan a feature folder (or every feature under kitty-specs/) into a dossier and snapshot.",
        discussion: """
            Exit status: 0 when the scan ran (whatever the completeness), 2 on a usage or runtime error \
            (path missing or not a folder, unknown --step, malformed manifest or baseline).
            --json output is documented in docs/scan-json.md.
            """)

    @Argument(help: "Feature folder, kitty-specs/ folder or repository root (default: current directory).")
    var path: String?

    @Option(help: "Mission type (wins over meta.json).")
    var mission: String?

    @Option(help: "Current step (wins over meta.json and inference).")
    var step: String?

    @Flag(help: "Print the stable JSON document instead of the table.")
    var json = false

    @Flag(name: .customLong("no-emit"), help: "Do not queue events (currently the only mode).")
    var noEmit = false

    @OptionGroup var state: StateOptions

    func run() async throws {
        let request = ScanRequest(
            path: path ?? FileManager.default.currentDirectoryPath, missionOverride: mission,
            stepOverride: step)
        let start = Date()
        let result: PipelineResult
        do {
            result = try ScanPipeline.run(
                request, explicitStateDirectory: state.stateDir,
                progress: ScanProgressPrinter.makeIfTerminal())
        } catch {
            ScanProgressPrinter.clearLine()
            CLIOutput.error("scan: \(error)")
            throw ExitCode(2)
        }
        ScanProgressPrinter.clearLine()
        let ms = Int(Date().timeIntervalSince(start) * 1000)
        if json {
            FileHandle.standardOutput.write(
                ScanJSON.encode(result, scannedAt: ScanJSON.timestamp(start), durationMS: ms))
        } else {
            CLIOutput.out(ScanTable.render(result))
        }
    }
}

/// Writes to stdout / stderr.
enum CLIOutput {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("dossier: " + text + "\n").utf8))
    }
}
