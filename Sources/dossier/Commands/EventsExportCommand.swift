import ArgumentParser
import DossierCore
import Foundation
import Logging

/// `dossier events export [PATH] [--format F] [--feature SLUG] [--output DIR] [--from-queue]`: the events of a scan
/// (or of the queue) as JSON lines, one stream per feature, in dossier's own shape or the spec-kitty-events one.
struct EventsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export each feature's events as JSON lines (dossier or spec-kitty-events format).",
        discussion: """
            Scans PATH (nothing is queued) or, with --from-queue, reads every event stored in the queue. \
            With --output DIR, writes DIR/<feature>.jsonl per feature (one namespace per stream, as the \
            spec-kitty-events reducer requires); otherwise writes all lines to standard output. The mapping and an \
            example of each format are in docs/events-export.md. Exit 0 on success, 2 on error.
            """)

    @Argument(help: "Feature folder, kitty-specs/ folder or repository root (default: current directory).")
    var path: String?

    @Option(help: "The event shape.") var format: EventFormat = .specKittyEvents

    @Option(help: "Export only this feature (its slug).") var feature: String?

    @Option(help: "Write one <feature>.jsonl per feature into this folder (created if needed).") var output: String?

    @Flag(name: .customLong("from-queue"), help: "Export the events stored in the queue instead of scanning.")
    var fromQueue = false

    @OptionGroup var state: StateOptions

    func run() async throws {
        let options = DossierEngine.Options(
            scanPath: path ?? FileManager.default.currentDirectoryPath, explicitStateDirectory: state.stateDir,
            emit: false)
        let engine = DossierEngine(options: options, logger: ScanCommand.errorsOnlyLogger)
        var features: [ExportFeature] = []
        var rejected: [EventValidationError] = []
        let projectUUID: String
        do {
            projectUUID = try ProjectIdentityStore(stateDirectory: engine.stateDirectory).projectUUID()
            var resolver = FeatureNamespaceResolver(repositoryRoot: engine.repositoryRoot, projectUUID: projectUUID)
            if fromQueue {
                let queuePath = engine.stateDirectory + "/queue.sqlite"
                guard FileManager.default.fileExists(atPath: queuePath) else {
                    throw QueueSupport.fail("events export: no queue at \(queuePath) (run `dossier scan` first)")
                }
                let rows = try engine.queue().list(limit: Int.max)
                features = try ExportSources.fromQueue(
                    rows, repositoryRoot: engine.repositoryRoot, resolver: &resolver,
                    baselines: BaselineStore(stateDirectory: engine.stateDirectory))
            } else {
                let pipeline = try engine.scan().pipeline
                let clock = ExportClockStore(stateDirectory: engine.stateDirectory)
                let emitter = EventEmitter(actor: options.actor, logger: ScanCommand.errorsOnlyLogger)
                let built = try ExportSources.fromScan(
                    pipeline, emitter: emitter, resolver: &resolver,
                    firstSequence: { n throws(ExportError) in
                        try clock.reserve(n)
                    })
                features = built.features
                rejected = built.rejected
            }
            if let feature {
                let known = features.map(\.slug)
                guard let match = features.first(where: { $0.slug == feature }) else {
                    throw ExportError.unknownFeature(feature, known: known)
                }
                features = [match]
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw QueueSupport.fail("events export: \(error)")
        }

        var streams: [(slug: String, bytes: [UInt8], count: Int)] = []
        for f in features {
            var bytes: [UInt8] = []
            var count = 0
            switch format {
            case .dossier:
                for event in f.events {
                    bytes += Array(event.envelope.canonicalJSON())
                    bytes.append(0x0A)
                    count += 1
                }
            case .specKittyEvents:
                let correlation =
                    fromQueue
                    ? SpecKittyMapper.derivedID(projectUUID, "correlation:" + f.slug) : UUID().uuidString.lowercased()
                let context = SpecKittyMapper.Context(nodeID: "dossier@" + projectUUID, correlationID: correlation)
                let mapped: [SpecKittyEnvelope]
                do throws(ExportError) {
                    mapped = try SpecKittyMapper.map(f, context: context)
                } catch {
                    throw QueueSupport.fail("events export: \(error)")
                }
                for event in mapped {
                    bytes += event.line()
                    bytes.append(0x0A)
                    count += 1
                }
            }
            streams.append((f.slug, bytes, count))
        }

        let total = streams.reduce(0) { $0 + $1.count }
        if let output {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                for stream in streams {
                    let file = output + "/" + ExportFileName.forFeature(stream.slug)
                    try Data(stream.bytes).write(to: URL(fileURLWithPath: file), options: .atomic)
                }
            } catch {
                throw QueueSupport.fail("events export: cannot write to \(output): \(error.localizedDescription)")
            }
            QueueSupport.printErr(
                "exported \(total) \(format.rawValue) event(s) of \(streams.count) feature(s) to \(output)")
        } else {
            var all: [UInt8] = []
            for stream in streams { all += stream.bytes }
            QueueSupport.writeOut(Data(all))
        }
        for problem in rejected { QueueSupport.printErr("events export: event not exported: \(problem)") }
        if !rejected.isEmpty { throw ExitCode(2) }
    }
}

/// `dossier events reduce FILE`: the spec-kitty-events dossier reducer over a JSON-lines stream.
struct EventsReduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reduce",
        abstract: "Reduce a spec-kitty-events dossier stream to its MissionDossierState (JSON).",
        discussion: """
            The same fold as the package's reduce_mission_dossier (ordering, de-duplication, one namespace per \
            stream, invalid payloads skipped). Prints the state as the package's model_dump(mode="json") does. \
            Exit 0, or 2 when the file is unreadable, a line is not JSON, or the stream mixes namespaces.
            """)

    @Argument(help: "A JSON-lines (or JSON array) file of envelopes, or '-' for standard input.") var file: String

    @Option(help: "The event shape (only spec-kitty-events).") var format: EventFormat = .specKittyEvents

    func run() async throws {
        guard format == .specKittyEvents else {
            throw QueueSupport.fail("events reduce: only --format spec-kitty-events")
        }
        let data = try SpecKittyValidateRunner.read(file)
        var values: [JSONValue] = []
        for doc in SpecKittyDocuments.split(data) {
            switch doc.value {
            case .success(let v): values.append(v)
            case .failure(let e): throw QueueSupport.fail("\(file): \(doc.location): \(e.description)")
            }
        }
        do throws(DossierStreamReducer.ReduceError) {
            let state = try DossierStreamReducer.reduce(values)
            QueueSupport.writeOut(Data(ExportJSON.bytes(state) + [0x0A]))
        } catch {
            throw QueueSupport.fail("\(file): \(error.description)")
        }
    }
}

/// `dossier events validate --format spec-kitty-events`: envelopes, or bare payloads of one type.
enum SpecKittyValidateRunner {
    static func read(_ file: String) throws -> Data {
        if file == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw QueueSupport.fail("cannot read \(file): no such file or not readable")
        }
        return data
    }

    static func run(file: String, eventType: String?) throws {
        var forced: SpecKittyEventType?
        if let eventType {
            guard let t = SpecKittyEventType(rawValue: eventType) else {
                throw QueueSupport.fail(
                    "unknown --event-type '\(eventType)'; expected one of "
                        + SpecKittyEventType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            forced = t
        }
        let docs = SpecKittyDocuments.split(try read(file))
        if docs.isEmpty { throw QueueSupport.fail("\(file): no events found (empty file)") }
        var invalid = 0
        for doc in docs {
            let prefix = doc.location.isEmpty ? "\(file): " : "\(file): \(doc.location): "
            do throws(EventValidationError) {
                let value = try doc.value.get()
                if case .object(let o) = value, o["event_type"] != nil, o["payload"] != nil {
                    try SpecKittyValidator.validateEnvelope(value)
                } else if case .object(let o) = value {
                    guard let type = forced ?? SpecKittyContract.inferType(of: o) else {
                        throw EventValidationError(
                            kind: .invalidValue, eventType: nil, field: "", value: value.excerpt,
                            expected: "an envelope, or a payload whose type --event-type names")
                    }
                    try SpecKittyValidator.validatePayload(value, type: type)
                } else {
                    try SpecKittyValidator.validateEnvelope(value)
                }
            } catch {
                invalid += 1
                QueueSupport.printErr(prefix + error.description)
            }
        }
        if invalid > 0 {
            QueueSupport.printErr("\(file): \(invalid) of \(docs.count) events invalid")
            throw ExitCode(2)
        }
        print("\(file): \(docs.count) event\(docs.count == 1 ? "" : "s") valid (spec-kitty-events)")
    }
}
