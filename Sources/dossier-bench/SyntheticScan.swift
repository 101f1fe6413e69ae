import DossierCore
import Foundation
import Logging

/// Synthetic events for the crash test and the benchmark: a dossier of `count` present artifacts run through the
/// real emitter (so the bytes are what a real scan queues), `count + 1` events in all.
enum SyntheticScan {
    /// The `count + 1` events of one synthetic scan of feature `slug`; `seed` varies the content hashes.
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
            currentStep: "implement", stepSource: .flag, artifacts: artifacts, anomalies: [])
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
