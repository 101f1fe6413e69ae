import ArgumentParser
import DossierCore
import Foundation

/// `dossier queue purge --delivered [--older-than D]`: prune delivered events.
struct QueuePurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete delivered events (all, or delivered more than D ago: 7d, 12h, 30m, 45s).")

    @OptionGroup var state: StateOptions
    @Flag(name: .long, help: "Purge delivered events (required; nothing else is ever purged).") var delivered = false
    @Option(name: .long, help: "Only those delivered more than this long ago (e.g. 7d, 12h, 30m, 45s).")
    var olderThan: String?

    func validate() throws {
        guard delivered else { throw ValidationError("--delivered is required (only delivered events can be purged)") }
        if let olderThan, Self.seconds(olderThan) == nil {
            throw ValidationError("--older-than '\(olderThan)': expected a number followed by d, h, m or s (e.g. 7d)")
        }
    }

    /// `7d` → 604800. Nil when malformed.
    static func seconds(_ text: String) -> Double? {
        guard let unit = text.last, let value = Double(text.dropLast()), value >= 0 else { return nil }
        switch unit {
        case "d": return value * 86400
        case "h": return value * 3600
        case "m": return value * 60
        case "s": return value
        default: return nil
        }
    }

    func run() async throws {
        let queue = try QueueSupport.openQueue(state)
        let cutoff = olderThan.flatMap(Self.seconds).map { Date().addingTimeInterval(-$0) }
        do {
            let count = try queue.purgeDelivered(olderThan: cutoff)
            print("purged \(count) delivered event\(count == 1 ? "" : "s")")
        } catch {
            throw QueueSupport.fail(error.description)
        }
    }
}
