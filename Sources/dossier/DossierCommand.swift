import ArgumentParser

/// `dossier`: the audited index of spec-driven feature folders (DESIGN §8).
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
        ],
        defaultSubcommand: DashboardCommand.self
    )
}
