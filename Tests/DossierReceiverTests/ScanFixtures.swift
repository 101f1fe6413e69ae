import DossierCore
import Foundation
import Logging
import Synchronization

/// The events of real scans, built by the real `SnapshotBuilder` and `EventEmitter` (so parity hashes are the
/// scanner's), with a clock that advances one millisecond per event from a given start.
enum ScanFixtures {
    final class Ticker: Sendable {
        private let next: Mutex<Int> = Mutex(0)
        let start: Date

        init(start: Date) { self.start = start }

        func now() -> Date {
            let n = next.withLock { n in
                defer { n += 1 }
                return n
            }
            return start.addingTimeInterval(Double(n) / 1000)
        }
    }

    /// One scan of `slug` with `files` (path, content hash) present; `required` paths are required artifacts,
    /// `absentRequired` are required artifacts that are missing (an `artifact_missing` each).
    static func scan(
        slug: String, files: [(path: String, hash: String)], absentRequired: [String] = [], start: Date
    ) -> [EventEnvelope] {
        var artifacts = files.map { f in
            Artifact(
                key: "artifact." + f.path, artifactClass: .output, relativePath: f.path, contentHashSHA256: f.hash,
                sizeBytes: 10, requiredStatus: f.path == "spec.md" ? .required : .optional, present: true)
        }
        for path in absentRequired {
            artifacts.append(
                Artifact(
                    key: "artifact." + path, artifactClass: .input, relativePath: path, contentHashSHA256: nil,
                    sizeBytes: nil, requiredStatus: .required, present: false, pathPattern: path))
        }
        let dossier = Dossier(
            featureSlug: slug, featureDirectory: "/fixture/\(slug)", missionType: "software-dev",
            currentStep: "implement", stepSource: .flag, artifacts: artifacts, anomalies: [])
        let snapshot = SnapshotBuilder.snapshot(of: dossier)
        let ticker = Ticker(start: start)
        var logger = Logger(label: "fixture")
        logger.logLevel = .critical
        let emitter = EventEmitter(clock: { ticker.now() }, actor: "fixture", logger: logger)
        return emitter.events(for: dossier, snapshot: snapshot, drift: nil).events
    }

    static func hash(_ text: String) -> String { StreamingHasher.sha256Hex(Array(text.utf8)) }
}
