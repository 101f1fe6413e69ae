import DossierCore
import Foundation
import Logging

/// Hand-made dossiers, snapshots and events for the event, emitter, schema and queue tests.
enum EventFixtures {
    static let hashA = String(repeating: "a1", count: 32)
    static let hashB = String(repeating: "b2", count: 32)
    static let hashC = String(repeating: "c3", count: 32)
    static let fixedDate = Date(timeIntervalSince1970: 1_795_543_200.123)  // 2026-11-24T18:00:00.123Z

    /// A clock and id generator that count up, so every run emits identical events.
    static func emitter(actor: String? = "tester") -> EventEmitter {
        let counter = Counter()
        var logger = Logger(label: "test.emitter")
        logger.logLevel = .critical
        return EventEmitter(
            clock: { fixedDate },
            makeID: {
                let n = counter.next()
                return UUID(uuidString: String(format: "00000000-0000-4000-8000-%012X", n))!
            },
            actor: actor, logger: logger)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }

    /// A dossier that triggers indexed (3), missing (3: not found, unreadable, invalid format), snapshot and,
    /// with `drift()`, drift events. One optional artifact is missing too (must NOT produce a missing event).
    static func dossier(slug: String = "042-user-login") -> Dossier {
        Dossier(
            featureSlug: slug, featureDirectory: "/repo/kitty-specs/\(slug)", missionType: "software-dev",
            currentStep: "tasks_packages", stepSource: .flag,
            artifacts: [
                Artifact(
                    key: "spec", artifactClass: .input, relativePath: "spec.md", contentHashSHA256: hashA,
                    sizeBytes: 120, stepID: "specify", requiredStatus: .required, present: true,
                    pathPattern: "spec.md"),
                Artifact(
                    key: "plan", artifactClass: .workflow, relativePath: "plan.md", contentHashSHA256: nil,
                    sizeBytes: nil, stepID: "plan", requiredStatus: .required, present: false,
                    pathPattern: "plan.md"),
                Artifact(
                    key: "research", artifactClass: .evidence, relativePath: "research.md", contentHashSHA256: nil,
                    sizeBytes: nil, requiredStatus: .optional, present: false, pathPattern: "research.md"),
                Artifact(
                    key: "tasks", artifactClass: .workflow, relativePath: "tasks.md", contentHashSHA256: nil,
                    sizeBytes: 10, stepID: "tasks_outline", requiredStatus: .required, present: true,
                    anomaly: Anomaly(kind: .unreadable, relativePath: "tasks.md", detail: "permission denied"),
                    pathPattern: "tasks.md"),
                Artifact(
                    key: "tasks.wp01", artifactClass: .workflow, relativePath: "tasks/WP01-login.md",
                    contentHashSHA256: hashB, sizeBytes: 0, wpID: "WP01", stepID: "tasks_packages",
                    requiredStatus: .required, present: true,
                    anomaly: Anomaly(kind: .invalidFormat, relativePath: "tasks/WP01-login.md", detail: "not UTF-8"),
                    pathPattern: "tasks/WP*.md"),
                Artifact(
                    key: "artifact.notes-txt", artifactClass: .output, relativePath: "notes.txt",
                    contentHashSHA256: hashC, sizeBytes: 42, requiredStatus: .optional, present: true),
            ],
            anomalies: [])
    }

    static func snapshot(slug: String = "042-user-login", parity: String = hashC) -> Snapshot {
        Snapshot(
            featureSlug: slug, missionType: "software-dev", currentStep: "tasks_packages",
            counts: ArtifactCounts(
                total: 6, required: 4, requiredPresent: 1, requiredMissing: 3, optional: 2, optionalPresent: 1),
            completeness: .incomplete, parityHashSHA256: parity, snapshotID: "snap-\(slug)-1")
    }

    static func drift(slug: String = "042-user-login", local: String = hashC, baseline: String = hashA) -> DriftReport {
        DriftReport(
            featureSlug: slug, localParityHash: local, baselineParityHash: baseline, missingInLocal: ["plan"],
            missingInBaseline: ["artifact.notes-txt"], changed: [], severity: .error)
    }

    /// Every event type at least once, in emission order.
    static func allFourTypes() -> [EventEnvelope] {
        emitter().events(for: dossier(), snapshot: snapshot(), drift: drift()).events
    }

    /// The canonical JSON of an event as a mutable dictionary (for making invalid variants).
    static func object(_ event: EventEnvelope) -> [String: Any] {
        try! JSONSerialization.jsonObject(with: event.canonicalJSON()) as! [String: Any]
    }

    static func data(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// One invalid document: what was broken, the bytes, and the field the error must name.
    struct Invalid {
        var name: String
        var data: Data
        var field: String
        /// False for rules JSON Schema cannot express (cross-field arithmetic); the schema accepts these.
        var schemaExpressible = true
    }

    static func event(_ type: EventType) -> EventEnvelope {
        allFourTypes().first { $0.eventType == type }!
    }

    static func mutate(
        _ type: EventType, _ name: String, field: String, schema: Bool = true,
        _ change: (inout [String: Any], inout [String: Any]) -> Void
    ) -> Invalid {
        var envelope = object(event(type))
        var payload = envelope["payload"] as! [String: Any]
        change(&envelope, &payload)
        envelope["payload"] = payload
        return Invalid(name: name, data: data(envelope), field: field, schemaExpressible: schema)
    }

    /// Invalid variants covering every rule, per event type.
    static func invalidDocuments() -> [Invalid] {
        var list: [Invalid] = [
            mutate(.artifactIndexed, "bad hash", field: "payload.content_hash_sha256") { _, p in
                p["content_hash_sha256"] = "XYZ"
            },
            mutate(.artifactIndexed, "uppercase hash", field: "payload.content_hash_sha256") { _, p in
                p["content_hash_sha256"] = hashA.uppercased()
            },
            mutate(.artifactIndexed, "bad class", field: "payload.artifact_class") { _, p in
                p["artifact_class"] = "other"
            },
            mutate(.artifactIndexed, "bad required_status", field: "payload.required_status") { _, p in
                p["required_status"] = "maybe"
            },
            mutate(.artifactIndexed, "negative size", field: "payload.size_bytes") { _, p in p["size_bytes"] = -1 },
            mutate(.artifactIndexed, "size as string", field: "payload.size_bytes") { _, p in p["size_bytes"] = "12" },
            mutate(.artifactIndexed, "fractional size", field: "payload.size_bytes") { _, p in p["size_bytes"] = 1.5 },
            mutate(.artifactIndexed, "empty slug", field: "payload.feature_slug") { _, p in p["feature_slug"] = "" },
            mutate(.artifactIndexed, "empty key", field: "payload.artifact_key") { _, p in p["artifact_key"] = "" },
            mutate(.artifactIndexed, "empty path", field: "payload.relative_path") { _, p in p["relative_path"] = "" },
            mutate(.artifactIndexed, "wp_id number", field: "payload.wp_id") { _, p in p["wp_id"] = 1 },
            mutate(.artifactIndexed, "unknown payload field", field: "payload.colour") { _, p in p["colour"] = "red" },
            mutate(.artifactIndexed, "missing hash", field: "payload.content_hash_sha256") { _, p in
                p.removeValue(forKey: "content_hash_sha256")
            },
            mutate(.artifactIndexed, "unknown envelope field", field: "extra") { e, _ in e["extra"] = true },
            mutate(.artifactIndexed, "uppercase uuid", field: "event_id") { e, _ in
                e["event_id"] = "ABCDEF00-0000-4000-8000-000000000001"
            },
            mutate(.artifactIndexed, "not a uuid", field: "event_id") { e, _ in e["event_id"] = "42" },
            mutate(.artifactIndexed, "timestamp with offset", field: "timestamp") { e, _ in
                e["timestamp"] = "2026-11-24T18:00:00+01:00"
            },
            mutate(.artifactIndexed, "timestamp month 13", field: "timestamp") { e, _ in
                e["timestamp"] = "2026-13-24T18:00:00Z"
            },
            mutate(.artifactIndexed, "actor number", field: "actor") { e, _ in e["actor"] = 7 },
            mutate(.artifactIndexed, "unknown event type", field: "event_type") { e, _ in e["event_type"] = "nope" },
            mutate(.artifactIndexed, "payload not an object", field: "payload") { e, _ in },
            mutate(.artifactMissing, "bad reason", field: "payload.reason_code") { _, p in p["reason_code"] = "gone" },
            mutate(.artifactMissing, "blocking string", field: "payload.blocking") { _, p in p["blocking"] = "yes" },
            mutate(.artifactMissing, "empty pattern", field: "payload.expected_path_pattern") { _, p in
                p["expected_path_pattern"] = ""
            },
            mutate(.artifactMissing, "reason_detail number", field: "payload.reason_detail") { _, p in
                p["reason_detail"] = 3
            },
            mutate(.snapshotComputed, "bad completeness", field: "payload.completeness_status") { _, p in
                p["completeness_status"] = "done"
            },
            mutate(.snapshotComputed, "bad parity", field: "payload.parity_hash_sha256") { _, p in
                p["parity_hash_sha256"] = "sha256:" + hashA
            },
            mutate(.snapshotComputed, "negative count", field: "payload.artifact_counts.optional") { _, p in
                var c = p["artifact_counts"] as! [String: Any]
                c["optional"] = -2
                p["artifact_counts"] = c
            },
            mutate(.snapshotComputed, "unknown count", field: "payload.artifact_counts.bonus") { _, p in
                var c = p["artifact_counts"] as! [String: Any]
                c["bonus"] = 1
                p["artifact_counts"] = c
            },
            mutate(.snapshotComputed, "missing count", field: "payload.artifact_counts.total") { _, p in
                var c = p["artifact_counts"] as! [String: Any]
                c.removeValue(forKey: "total")
                p["artifact_counts"] = c
            },
            mutate(
                .snapshotComputed, "required != present + missing", field: "payload.artifact_counts.required",
                schema: false
            ) { _, p in
                var c = p["artifact_counts"] as! [String: Any]
                c["required"] = 9
                p["artifact_counts"] = c
            },
            mutate(
                .snapshotComputed, "optional_present > optional", field: "payload.artifact_counts.optional_present",
                schema: false
            ) { _, p in
                var c = p["artifact_counts"] as! [String: Any]
                c["optional_present"] = 5
                p["artifact_counts"] = c
            },
            mutate(.snapshotComputed, "empty snapshot id", field: "payload.snapshot_id") { _, p in p["snapshot_id"] = ""
            },
            mutate(.parityDriftDetected, "bad severity", field: "payload.severity") { _, p in p["severity"] = "fatal" },
            mutate(.parityDriftDetected, "bad local hash", field: "payload.local_parity_hash") { _, p in
                p["local_parity_hash"] = "0"
            },
            mutate(.parityDriftDetected, "empty key in list", field: "payload.missing_in_local[0]") { _, p in
                p["missing_in_local"] = [""]
            },
            mutate(.parityDriftDetected, "number in list", field: "payload.missing_in_baseline[1]") { _, p in
                p["missing_in_baseline"] = ["a", 2]
            },
            mutate(.parityDriftDetected, "list missing", field: "payload.missing_in_baseline") { _, p in
                p.removeValue(forKey: "missing_in_baseline")
            },
        ]
        // "payload not an object": replace the payload with a string.
        if let i = list.firstIndex(where: { $0.name == "payload not an object" }) {
            var e = object(event(.artifactIndexed))
            e["payload"] = "oops"
            list[i].data = data(e)
        }
        return list
    }
}
