import ArgumentParser
import DossierCore
import Foundation

/// `dossier-bench`: synthetic load and benchmarks for the scripts under scripts/ and the end-to-end tests, kept out
/// of the `dossier` binary so its help, man page and completions show only what a user runs.
@main
struct DossierBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier-bench",
        abstract: "Synthetic queue load and benchmarks for dossier's test and benchmark scripts.",
        subcommands: [StressAppendCommand.self, AppendBenchCommand.self, FramesBenchCommand.self]
    )

    /// ArgumentParser's `main`, with usage errors (bad flags, missing arguments) mapped to exit status 2 as in
    /// `dossier` (ArgumentParser's default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch  where exitCode(for: error) == .validationFailure {
            FileHandle.standardError.write(Data((TerminalText.escapeLines(fullMessage(for: error)) + "\n").utf8))
            Foundation.exit(2)
        } catch {
            exit(withError: error)
        }
    }
}

/// A bench command could not do its job: prints `dossier-bench: <message>` (terminal-escaped) to stderr and gives
/// the exit status 2 to throw.
enum BenchFailure {
    static func exit(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("dossier-bench: \(TerminalText.escape(message))\n".utf8))
        return ExitCode(2)
    }
}

/// Where the queue lives, resolved exactly as `dossier` does (`--state-dir`, `DOSSIER_STATE_DIR`, repository).
struct BenchStateOptions: ParsableArguments {
    @Option(name: .long, help: "State directory (default: $DOSSIER_STATE_DIR, else .dossier/ at the repository root).")
    var stateDir: String?

    /// The resolved state directory for the working directory.
    var directory: String {
        RepositoryLocator.stateDirectory(
            explicit: stateDir, environment: ProcessInfo.processInfo.environment,
            workingDirectory: FileManager.default.currentDirectoryPath)
    }
}
