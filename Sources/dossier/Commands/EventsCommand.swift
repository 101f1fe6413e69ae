import ArgumentParser
import DossierCore
import Foundation

/// `dossier events …`: export, validate and reduce event files, and print the event JSON Schemas.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Export, validate and reduce events; show their JSON Schemas.",
        subcommands: [
            EventsExportCommand.self, EventsValidateCommand.self, EventsReduceCommand.self, EventsSchemasCommand.self,
            EventsSchemaCommand.self,
        ]
    )
}

/// The two event shapes dossier reads and writes.
enum EventFormat: String, ExpressibleByArgument, CaseIterable {
    /// dossier's own flat events (`schemas/`).
    case dossier
    /// The namespaced envelopes of the spec-kitty-events contract (`docs/events-export.md`).
    case specKittyEvents = "spec-kitty-events"
}

/// `dossier events validate FILE`: exit 0 with a count when every event is valid, 2 with one line per invalid one.
struct EventsValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate events in a file (one JSON object, a JSON array, or JSON lines; '-' for stdin).",
        discussion: """
            Applies the same checks as the models (and the JSON Schemas in schemas/, which match them): unknown
            fields, wrong types, missing fields, patterns, enums, minimums and count consistency.
            Exit 0: all valid (prints the count). Exit 2: one line per invalid event on stderr, naming the
            line (JSON lines) or index (array) and the field.
            """)

    @Argument(help: "The file to check, or '-' for standard input.") var file: String

    @Option(help: "The event shape.") var format: EventFormat = .dossier

    @Option(
        name: .customLong("event-type"),
        help: "spec-kitty-events only: the type of bare payloads (default: inferred from their fields).")
    var eventType: String?

    func run() async throws {
        if format == .specKittyEvents {
            try SpecKittyValidateRunner.run(file: file, eventType: eventType)
            return
        }
        if eventType != nil { throw QueueSupport.fail("--event-type applies to --format spec-kitty-events only") }
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let d = FileManager.default.contents(atPath: file) else {
                throw QueueSupport.fail("cannot read \(file): no such file or not readable")
            }
            data = d
        }
        let report = EventFileValidator.validate(data)
        for problem in report.problems {
            QueueSupport.printErr("\(file): \(problem)")
        }
        if report.total == 0 && report.problems.isEmpty {
            throw QueueSupport.fail("\(file): no events found (empty file)")
        }
        if !report.problems.isEmpty {
            QueueSupport.printErr("\(file): \(report.invalid) of \(report.total) events invalid")
            throw ExitCode(2)
        }
        print("\(TerminalText.escape(file)): \(report.total) event\(report.total == 1 ? "" : "s") valid")
    }
}

/// `dossier events schemas`: the schema of each event type, as compiled into the binary.
struct EventsSchemasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schemas", abstract: "List the event JSON Schemas (draft 2020-12) built into dossier.")

    func run() async throws {
        for type in EventType.allCases {
            print("\(type.rawValue)\t\(EventSchemas.fileName(for: type))")
        }
    }
}

/// `dossier events schema TYPE`: print one schema.
struct EventsSchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of one event type (full name, or without the mission_dossier_ prefix).")

    @Argument(help: "Event type, e.g. mission_dossier_artifact_indexed or artifact_indexed.") var type: String

    func run() async throws {
        guard let found = EventSchemas.schema(named: type) else {
            throw QueueSupport.fail(
                "unknown event type '\(type)'; expected one of "
                    + EventType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        QueueSupport.writeOut(Data(found.contents.utf8))
    }
}
