import ArgumentParser
import DossierCore
import Foundation
import Logging

/// `dossier scan [PATH] [--mission M] [--step S] [--json] [--no-emit]`: scan, snapshot and local drift.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan a feature folder (or every feature under kitty-specs/) into a dossier and snapshot.",
        discussion: """
            Exit status: 0 when the scan ran (whatever the completeness), 2 on a usage or runtime error \
            (path missing or not a folder, unknown --step, malformed manifest or baseline).
            --json output is documented in docs/scan-json.md.
            """)

    @Argument(
        help: "Repository root, kitty-specs/ folder, feature folder or a path inside one (default: current directory).")
    var path: String?

    @Option(help: "Mission type (wins over meta.json).")
    var mission: String?

    @Option(help: "Current step (wins over meta.json and inference).")
    var step: String?

    @Flag(help: "Print the stable JSON document instead of the table.")
    var json = false

    @Flag(name: .customLong("no-emit"), help: "Do not queue events (by default every scan queues its events for delivery).")
    var noEmit = false

    @Flag(help: "Read every file again, even those the stat cache says are unchanged (and report wrong cache entries).")
    var rehash = false

    @OptionGroup var state: StateOptions

    func run() async throws {
        let start = Date()
        var options = DossierEngine.Options(
            scanPath: path ?? FileManager.default.currentDirectoryPath, missionOverride: mission, stepOverride: step,
            explicitStateDirectory: state.stateDir, emit: !noEmit)
        options.rehash = rehash
        let engine = DossierEngine(options: options, logger: Self.errorsOnlyLogger)
        let outcome: EngineScanOutcome
        do {
            outcome = try engine.scan(progress: ScanProgressPrinter.makeIfTerminal())
        } catch {
            ScanProgressPrinter.clearLine()
            CLIOutput.error("scan: \(error)")
            throw ExitCode(2)
        }
        ScanProgressPrinter.clearLine()
        let result = outcome.pipeline
        let ms = Int(Date().timeIntervalSince(start) * 1000)
        if json {
            // Streamed in pieces: the document (megabytes on a real repository) is never copied whole.
            ScanJSON.write(result, scannedAt: EventTimestamp.string(from: start), durationMS: ms) { piece in
                guard let base = piece.baseAddress else { return }
                FileHandle.standardOutput.write(
                    Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: piece.count, deallocator: .none))
            }
        } else {
            CLIOutput.out(ScanTable.render(result))
            if let line = ScanProgressPrinter.skippedLine(result.skipped) { CLIOutput.out(line) }
            if let line = ScanProgressPrinter.summaryLine(result) { CLIOutput.out(line) }
        }
        for warning in result.warnings { CLIOutput.error("scan: \(warning)") }
        if case .ignored(let why) = result.statCache { CLIOutput.error("scan: stat cache \(why); every file was read") }
        if case .rehash(let wrong) = result.statCache, wrong > 0 {
            CLIOutput.error("scan: --rehash: \(wrong) cached hash(es) did not match the files; the cache is rewritten")
        }
        for rejected in outcome.rejected { CLIOutput.error("scan: event not queued: \(rejected)") }
        if let appended = outcome.appended {
            // On stderr with --json, so stdout stays one JSON document.
            let line = "queued \(appended.inserted) event(s)"
                + (appended.duplicates > 0 ? " (\(appended.duplicates) already queued)" : "")
                + " in \(TerminalText.escape(result.stateDirectory))/queue.sqlite; deliver with `dossier queue flush`"
            if json { CLIOutput.error(line) } else { CLIOutput.out(line) }
        }
    }

    /// Only errors reach stderr (an invalid event is also reported by the command itself).
    static var errorsOnlyLogger: Logger {
        var logger = Logger(label: "dossier.scan")
        logger.logLevel = .error
        return logger
    }
}

/// Writes to stdout / stderr.
enum CLIOutput {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// One terminal-escaped line to stderr (messages carry paths and names from the input).
    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("dossier: " + TerminalText.escape(text) + "\n").utf8))
    }
}
