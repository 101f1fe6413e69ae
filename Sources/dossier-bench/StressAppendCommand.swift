import ArgumentParser
import DossierCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `dossier-bench stress-append --count N --batches B`: appends B synthetic scans of N+1 events, one transaction
/// each, printing `committed <b> <events>` after each commit. The crash test SIGKILLs it mid-append; the full-disk
/// test runs it under a file-size limit; other tests and scripts use it to fill a queue.
struct StressAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress-append", abstract: "Append synthetic scans to the queue (crash, full-disk, fill).")

    @OptionGroup var state: BenchStateOptions
    @Option(help: "Artifacts per synthetic scan (events = count + 1).") var count = 10_000
    @Option(help: "Number of scans to append, one transaction each.") var batches = 1
    @Option(help: "Queue cap.") var capacity = 100_000_000

    func run() async throws {
        // Under RLIMIT_FSIZE, get EFBIG (an I/O error SQLite reports) instead of being killed by SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        let queue: EventQueue
        do {
            queue = try EventQueue(
                path: (state.directory as NSString).appendingPathComponent("queue.sqlite"), capacity: capacity)
        } catch {
            throw BenchFailure.exit(error.description)
        }
        print("ready")
        fflush(nil)
        for b in 1...max(1, batches) {
            let events = SyntheticScan.events(slug: "stress-\(b)", artifacts: count, seed: b)
            print("appending \(b) \(events.count)")
            fflush(nil)
            do {
                let r = try queue.append(events)
                print("committed \(b) \(r.inserted)")
                fflush(nil)
            } catch {
                throw BenchFailure.exit(error.description)
            }
        }
    }
}
