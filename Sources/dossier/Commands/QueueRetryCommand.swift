import ArgumentParser
import DossierCore
import Foundation

/// `dossier queue retry [--all | EVENT_ID...]`: move dead events back to pending (attempts reset).
struct QueueRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Move dead events back to pending, due now, with attempts reset.")

    @OptionGroup var state: StateOptions
    @Flag(name: .long, help: "Retry every dead event.") var all = false
    @Argument(help: "Event ids to retry.") var eventIDs: [String] = []

    func validate() throws {
        if all == !eventIDs.isEmpty {
            throw ValidationError("give either --all or one or more EVENT_IDs")
        }
    }

    func run() async throws {
        let queue = try QueueSupport.openQueue(state)
        do {
            let count = try queue.retryDead(eventIDs: all ? nil : eventIDs)
            print("requeued \(count) dead event\(count == 1 ? "" : "s")")
            if !all && count < eventIDs.count {
                let known = try queue.events(ids: eventIDs)
                let notDead = known.filter { $0.state != .pending }.map { "\($0.eventID) (\($0.state.rawValue))" }
                let unknown = Set(eventIDs).subtracting(known.map(\.eventID)).sorted()
                for line in notDead { QueueSupport.printErr("not dead, left alone: \(line)") }
                for id in unknown { QueueSupport.printErr("no such event: \(id)") }
                if !unknown.isEmpty { throw ExitCode(2) }
            }
        } catch let error as QueueError {
            throw QueueSupport.fail(error.description)
        }
    }
}
