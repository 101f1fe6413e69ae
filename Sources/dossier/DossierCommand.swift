import ArgumentParser
import DossierCore
import Foundation

/// `dossier`: the audited index of spec-driven feature folders.
/// With no subcommand it opens the dashboard.
@main
struct DossierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "Index, snapshot, drift-check and deliver mission dossiers of kitty-specs feature folders.",
        subcommands: [
            DashboardCommand.self,
            ScanCommand.self,
            DriftCommand.self,
            BaselineCommand.self,
            QueueCommand.self,
            EventsCommand.self,
            ReceiveCommand.self,
            SecretCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self
    )

    /// Runs the command like ArgumentParser's own `main`, but maps usage errors (bad flags, missing arguments) to exit
    /// status 2, the design's code for usage errors (ArgumentParser's default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("dossier: \(TerminalText.escape(failure.message))\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((TerminalText.escapeLines(fullMessage(for: error)) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
