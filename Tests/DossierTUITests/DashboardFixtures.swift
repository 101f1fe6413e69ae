import DossierCore
import Foundation

@testable import DossierTUI

/// Hand-built dashboard data for the pure model/renderer tests (no disk, no terminal).
enum DashboardFixtures {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T...Z, fixed

    static func hash(_ c: Character) -> String { String(repeating: c, count: 64) }

    static func event(
        _ n: Int, state: QueueState = .delivered, type: String = "mission_dossier_artifact_indexed",
        key: String? = nil
    ) -> EventRow {
        EventRow(
            id: "00000000-0000-4000-8000-\(String(format: "%012d", n))",
            eventType: type, key: key ?? "artifact.file-\(n)", featureSlug: "042-login",
            timestamp: "2026-11-24T18:03:\(String(format: "%02d", n % 60))Z", state: state,
            attempts: state == .dead ? 8 : 0, lastError: state == .dead ? "rejected: bad hash" : nil,
            envelopeJSON: "{\"event_id\":\"\(n)\",\n\"payload\":{}}")
    }

    static var snapshot: Snapshot {
        Snapshot(
            featureSlug: "042-login", missionType: "software-dev", currentStep: "plan",
            counts: ArtifactCounts(
                total: 4, required: 3, requiredPresent: 2, requiredMissing: 1, optional: 1, optionalPresent: 1),
            completeness: .incomplete, parityHashSHA256: "3fa2b1c4d5e6" + hash("0").dropFirst(12), snapshotID: "snap-1")
    }

    static var artifacts: [Artifact] {
        [
            Artifact(
                key: "spec", artifactClass: .input, relativePath: "spec.md", contentHashSHA256: hash("a"),
                sizeBytes: 10, requiredStatus: .required, present: true),
            Artifact(
                key: "plan", artifactClass: .output, relativePath: "plan.md", contentHashSHA256: nil,
                sizeBytes: nil, requiredStatus: .required, present: false),
            Artifact(
                key: "research", artifactClass: .evidence, relativePath: "research-世界.md",
                contentHashSHA256: nil, sizeBytes: 5, requiredStatus: .optional, present: true,
                anomaly: Anomaly(kind: .unreadable, relativePath: "research-世界.md", detail: "permission denied")),
        ]
    }

    static var drift: DriftReport {
        DriftReport(
            featureSlug: "042-login", localParityHash: hash("1"), baselineParityHash: hash("2"),
            missingInLocal: ["tasks"], missingInBaseline: ["research"],
            changed: [
                ChangedArtifact(key: "spec", relativePath: "spec.md", baselineHash: hash("b"), localHash: hash("a"))
            ],
            severity: .warning)
    }

    static func data(events: [EventRow]? = nil) -> DashboardData {
        let evs = events ?? [event(5, state: .pending), event(4, state: .dead), event(3), event(2), event(1)]
        return DashboardData(
            features: [FeatureSummary(snapshot: snapshot, artifacts: artifacts, anomalies: [])],
            events: evs,
            queue: QueueSummary(
                pending: 1, inFlight: 0, delivered: 3, dead: 1, oldestPendingAt: now.addingTimeInterval(-252),
                nextRetryAt: now.addingTimeInterval(28), capacity: 100_000, throughput: [0, 1, 2, 4, 8],
                throughputInterval: 1),
            deliveries: [
                AttemptRow(
                    id: "a2", batchID: "b2", startedAt: now.addingTimeInterval(-5), eventIDs: [evs[0].id],
                    statusCode: 503, error: nil, latencyMs: 12, nextRetryAt: now.addingTimeInterval(5), outcome: "retry"
                ),
                AttemptRow(
                    id: "a1", batchID: "b1", startedAt: now.addingTimeInterval(-60), eventIDs: evs.suffix(3).map(\.id),
                    statusCode: 200, error: nil, latencyMs: 34, nextRetryAt: nil, outcome: "delivered 3"),
            ],
            drift: [drift],
            endpoint: .delivering(endpoint: "http://127.0.0.1:8080/hook"),
            source: "/repo")
    }
}
