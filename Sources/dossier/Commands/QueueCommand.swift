import ArgumentParser

/// `dossier queue …`: inspect and manage the offline event queue (§8).
/// To add a subcommand (flush, retry, purge), append its type to `subcommands`.
struct QueueCommand: AsyncParsableCommand {
    static let subcommands: [any ParsableCommand.Type] = [
        QueueStatusCommand.self,
        QueueListCommand.self,
        QueueFlushCommand.self, QueueRetryCommand.self, QueuePurgeCommand.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Inspect and manage the offline event queue (<state dir>/queue.sqlite).",
        subcommands: subcommands
    )
}
