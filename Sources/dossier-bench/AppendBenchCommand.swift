import ArgumentParser
import DossierCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `dossier-bench append`: durable append throughput (events/s) into a fresh queue per run.
struct AppendBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append", abstract: "Benchmark durable append throughput.")

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
