import ArgumentParser
import DossierCore
import Foundation

/// Shared helpers of the `queue` and `events` commands.
enum QueueSupport {
    /// The state directory: `--state-dir`, else `DOSSIER_STATE_DIR`, else `<repository root>/.dossier` when the
    /// working directory is inside a repository (a `kitty-specs/` folder or `.git`), else `./.dossier`.
    static func stateDirectory(_ options: StateOptions) -> String {
        RepositoryLocator.stateDirectory(
            explicit: options.stateDir, environment: ProcessInfo.processInfo.environment,
            workingDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Opens the queue of the resolved state directory; a failure is a `CommandFailure` naming the file.
    static func openQueue(_ options: StateOptions, capacity: Int = 100_000) throws -> EventQueue {
        let dir = stateDirectory(options)
        do {
            return try EventQueue(path: (dir as NSString).appendingPathComponent("queue.sqlite"), capacity: capacity)
        } catch {
            throw fail(error.description)
        }
    }

    /// The error a command throws for a runtime failure: `DossierCommand.main` prints `dossier: message` and exits 2.
    static func fail(_ message: String) -> CommandFailure { CommandFailure(message: message) }

    /// Prints one terminal-escaped line to stderr.
    static func printErr(_ message: String) {
        FileHandle.standardError.write(Data((TerminalText.escape(message) + "\n").utf8))
    }

    /// Writes bytes to stdout unbuffered (keeps order with `print`).
    static func writeOut(_ data: Data) {
        fflush(nil)
        FileHandle.standardOutput.write(data)
    }

    /// `2026-11-24T18:00:00.123Z`
    static func time(_ date: Date?) -> String { date.map(EventTimestamp.string(from:)) ?? "-" }

    /// A human duration: `45s`, `3m05s`, `2h10m`, `3d4h`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.down))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        if s < 86400 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        return "\(s / 86400)d\(s % 86400 / 3600)h"
    }

    /// Stable JSON for `--json` outputs: sorted keys, slashes unescaped.
    static func json<T: Encodable>(_ value: T, pretty: Bool = true) -> Data {
        let e = JSONEncoder()
        e.outputFormatting =
            pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(value)) ?? Data("null".utf8)
    }
}

extension QueueState: ExpressibleByArgument {}
