import ArgumentParser
import DossierCore
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Synthetic events for the crash test and the benchmark: a dossier of `count` present artifacts run through the
/// real emitter (so the bytes are what a real scan queues), `count + 1` events in all.
enum SyntheticScan {
    static func events(slug: String, artifacts count: Int, seed: Int) -> [EventEnvelope] {
        let artifacts = (0..<count).map { i in
            let hex = String(format: "%08x", i &+ seed &* 7919)
            return Artifact(
                key: "artifact.file-\(i)", artifactClass: .output, relativePath: "docs/file-\(i).md",
                contentHashSHA256: String(repeating: hex, count: 8), sizeBytes: Int64(1000 + i),
                wpID: i % 10 == 0 ? "WP\(String(format: "%02d", i % 100))" : nil, stepID: nil,
                requiredStatus: .optional, present: true)
        }
        let dossier = Dossier(
            featureSlug: slug, featureDirectory: "/synthetic/\(slug)", missionType: "software-dev",
            currentStep: "implement", stepSource: "flag", artifacts: artifacts, anomalies: [])
        let snapshot = Snapshot(
            featureSlug: slug, missionType: "software-dev", currentStep: "implement",
            counts: ArtifactCounts(
                total: count, required: 0, requiredPresent: 0, requiredMissing: 0, optional: count,
                optionalPresent: count),
            completeness: .complete, parityHashSHA256: String(repeating: "ab", count: 32), snapshotID: "snap-\(slug)")
        var logger = Logger(label: "dossier.synthetic")
        logger.logLevel = .error
        let emitter = EventEmitter(actor: "bench", logger: logger)
        return emitter.events(for: dossier, snapshot: snapshot, drift: nil).events
    }
}

/// Hidden: `dossier queue stress-append --count N --batches B`. Appends B batches of N+1 events, one transaction
/// each, printing `committed <b> <events>` after each commit. The crash test SIGKILLs it mid-append; the
/// full-disk test runs it under a file-size limit.
struct QueueStressAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress-append", abstract: "Append synthetic scans (crash and full-disk tests).",
        shouldDisplay: false)

    @OptionGroup var state: StateOptions
    @Option(help: "Artifacts per synthetic scan (events = count + 1).") var count = 10_000
    @Option(help: "Number of scans to append, one transaction each.") var batches = 1
    @Option(help: "Queue cap.") var capacity = 100_000_000

    func run() async throws {
        // Under RLIMIT_FSIZE, get EFBIG (an I/O error SQLite reports) instead of being killed by SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        let queue = try QueueSupport.openQueue(state, capacity: capacity)
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
                throw QueueSupport.fail(error.description)
            }
        }
    }
}

/// Hidden: `dossier queue bench-append`: durable append throughput (events/s) into a fresh queue per run.
struct QueueBenchAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-append", abstract: "Benchmark durable append throughput.", shouldDisplay: false)

    @Option(help: "Artifacts in the synthetic scan (events = artifacts + 1).") var artifacts = 1_000
    @Option(help: "Events per append call (0 = all in one transaction).") var batchSize = 0
    @Option(help: "Runs; the median is reported.") var runs = 5
    @Option(help: "Folder for the temporary queues (default: a new temp folder).") var dir: String?
    @Option(help: "Label printed with the result.") var label = "scan"

    func run() async throws {
        let base = dir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("dossier-bench-\(getpid())")
        var rates: [Double] = []
        var seconds: [Double] = []
        for r in 1...max(1, runs) {
            let events = SyntheticScan.events(slug: "bench-\(r)", artifacts: artifacts, seed: r)
            let path = (base as NSString).appendingPathComponent("run-\(r)/queue.sqlite")
            let queue = try EventQueue(path: path, capacity: Int.max)
            let chunk = batchSize > 0 ? batchSize : events.count
            let clock = ContinuousClock()
            let start = clock.now
            var i = 0
            while i < events.count {
                try queue.append(Array(events[i..<min(events.count, i + chunk)]))
                i += chunk
            }
            let elapsed = clock.now - start
            let s = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            seconds.append(s)
            rates.append(Double(events.count) / s)
            print(
                String(
                    format: "%@ run %d: %d events in %.3f s = %.0f events/s", label, r, events.count, s,
                    Double(events.count) / s))
            try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        }
        try? FileManager.default.removeItem(atPath: base)
        let median = rates.sorted()[rates.count / 2]
        let medianS = seconds.sorted()[seconds.count / 2]
        print(
            String(
                format: "%@ median over %d runs: %.0f events/s (%.3f s per append of %d events, batch %@)",
                label, rates.count, median, medianS, artifacts + 1, batchSize > 0 ? String(batchSize) : "all"))
    }
}
