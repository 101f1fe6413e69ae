/// A Swift port of the package's `reduce_mission_dossier`: folds a stream of spec-kitty-events dossier envelopes into
/// the `MissionDossierState` projection, written as the package's `model_dump(mode="json")` writes it (every field,
/// absent optionals as null). Same pipeline: keep the four dossier types; order by (clocked, lamport_clock,
/// timestamp, event_id); drop repeated event ids; refuse a stream mixing namespaces (step_id aside; differing step
/// ids become null); fold, skipping payloads the models reject (they still count in `event_count`). Timestamps
/// order as the package's UTC ISO text (`UTCOrderKey`).
public enum DossierStreamReducer {
    /// A stream that spans two namespaces (the package's `NamespaceMixedStreamError`), or an unreadable envelope.
    public enum ReduceError: Error, Sendable, Equatable, CustomStringConvertible {
        case mixedNamespace(expected: String, got: String, eventID: String)
        case envelope(index: Int, problem: String)

        public var description: String {
            switch self {
            case .mixedNamespace(let expected, let got, let id):
                return "namespace mismatch in dossier event stream at event \(id): expected \(expected), got \(got)"
            case .envelope(let index, let problem):
                return "event \(index + 1): \(problem)"
            }
        }
    }

    private struct Entry {
        var type: SpecKittyEventType
        var eventID: String
        var clock: Int64?
        var timestamp: String
        var payload: JSONValue
    }

    /// The reduced state of `envelopes` (in any order).
    public static func reduce(_ envelopes: [JSONValue]) throws(ReduceError) -> JSONValue {
        var entries: [Entry] = []
        for (index, value) in envelopes.enumerated() {
            guard case .object(let o) = value else { throw .envelope(index: index, problem: "not a JSON object") }
            guard case .string(let rawType)? = o["event_type"] else {
                throw .envelope(index: index, problem: "field 'event_type' is missing or not a string")
            }
            guard case .string(let rawID)? = o["event_id"] else {
                throw .envelope(index: index, problem: "field 'event_id' is missing or not a string")
            }
            guard let type = SpecKittyEventType(rawValue: rawType) else { continue }
            var clock: Int64?
            if case .integer(let c)? = o["lamport_clock"] { clock = c }
            var time = ""
            if case .string(let t)? = o["timestamp"] { time = UTCOrderKey.key(t) }
            entries.append(
                Entry(
                    type: type, eventID: normalizedID(rawID), clock: clock, timestamp: time,
                    payload: o["payload"] ?? .object([:])))
        }
        guard !entries.isEmpty else {
            return state(
                namespace: nil, artifacts: [:], anomalies: [], snapshot: nil,
                drift: [], count: 0)
        }
        entries.sort { a, b in
            let ka = (a.clock == nil ? 0 : 1, a.clock ?? 0)
            let kb = (b.clock == nil ? 0 : 1, b.clock ?? 0)
            if ka != kb { return ka < kb }
            if a.timestamp != b.timestamp { return ByteOrder.less(a.timestamp, b.timestamp) }
            return ByteOrder.less(a.eventID, b.eventID)
        }
        var seen: Set<String> = []
        entries = entries.filter { seen.insert($0.eventID).inserted }

        var canonical: [String: JSONValue]?
        var steps: Set<String> = []
        let keyFields = ["project_uuid", "mission_slug", "target_branch", "mission_type", "manifest_version"]
        for e in entries {
            guard let ns = namespace(of: e.payload) else { continue }
            if case .string(let step)? = ns["step_id"] { steps.insert(step) }
            guard let current = canonical else {
                canonical = ns
                continue
            }
            if keyFields.contains(where: { current[$0] != ns[$0] }) {
                throw .mixedNamespace(
                    expected: ExportJSON.string(.object(current)), got: ExportJSON.string(.object(ns)),
                    eventID: e.eventID)
            }
        }
        if steps.count > 1 { canonical?["step_id"] = .null }

        var artifacts: [String: JSONValue] = [:]
        var anomalies: [JSONValue] = []
        var snapshot: JSONValue?
        var drift: [JSONValue] = []
        for e in entries {
            do throws(EventValidationError) {
                try SpecKittyValidator.validatePayload(e.payload, type: e.type)
            } catch {
                continue
            }
            guard case .object(let p) = e.payload else { continue }
            let c = SpecKittyContract.self
            switch e.type {
            case .artifactIndexed:
                if let sup = p["supersedes"], case .object(let s) = sup, case .string(let path)? = s["path"],
                    case .object(var old)? = artifacts[path]
                {
                    old["superseded"] = .bool(true)
                    artifacts[path] = .object(old)
                }
                guard case .object(let id)? = p["artifact_id"], case .string(let path)? = id["path"] else { continue }
                artifacts[path] = .object([
                    "identity": full(p["artifact_id"], c.artifactIdentity),
                    "content_ref": full(p["content_ref"], c.contentHashRef),
                    "indexed_at": p["indexed_at"] ?? .null,
                    "provenance": p["provenance"].map { full($0, c.provenanceRef) } ?? .null,
                    "superseded": .bool(false),
                    "step_id": p["step_id"] ?? .null,
                ])
            case .artifactMissing:
                anomalies.append(
                    .object([
                        "anomaly_type": .string("missing_artifact"),
                        "expected_identity": full(p["expected_identity"], c.artifactIdentity),
                        "manifest_step": p["manifest_step"] ?? .null, "checked_at": p["checked_at"] ?? .null,
                        "remediation_hint": p["remediation_hint"] ?? .null,
                    ]))
            case .snapshotComputed:
                let algorithm = p["algorithm"].flatMap { $0 == .null ? nil : $0 } ?? .string("sha256")
                snapshot = .object([
                    "snapshot_hash": p["snapshot_hash"] ?? .null, "artifact_count": p["artifact_count"] ?? .null,
                    "anomaly_count": p["anomaly_count"] ?? .null, "computed_at": p["computed_at"] ?? .null,
                    "algorithm": algorithm,
                ])
            case .parityDriftDetected:
                drift.append(
                    .object([
                        "expected_hash": p["expected_hash"] ?? .null, "actual_hash": p["actual_hash"] ?? .null,
                        "drift_kind": p["drift_kind"] ?? .null, "detected_at": p["detected_at"] ?? .null,
                    ]))
            }
        }
        return state(
            namespace: canonical.map { full(.object($0), SpecKittyContract.namespace) }, artifacts: artifacts,
            anomalies: anomalies, snapshot: snapshot, drift: drift, count: entries.count)
    }

    private static func state(
        namespace: JSONValue?, artifacts: [String: JSONValue], anomalies: [JSONValue], snapshot: JSONValue?,
        drift: [JSONValue], count: Int
    ) -> JSONValue {
        let status = !drift.isEmpty ? "drifted" : (snapshot != nil ? "clean" : "unknown")
        return .object([
            "namespace": namespace ?? .null, "artifacts": .object(artifacts), "anomalies": .array(anomalies),
            "latest_snapshot": snapshot ?? .null, "drift_history": .array(drift), "parity_status": .string(status),
            "event_count": .integer(Int64(count)),
        ])
    }

    /// The payload's namespace when it satisfies `LocalNamespaceTuple`, else nil (the package skips those).
    private static func namespace(of payload: JSONValue) -> [String: JSONValue]? {
        guard case .object(let p) = payload, let ns = p["namespace"] else { return nil }
        do throws(EventValidationError) {
            try SpecKittyValidator.validate(ns, model: SpecKittyContract.namespace, path: "namespace", eventType: nil)
        } catch {
            return nil
        }
        guard case .object(let o) = full(ns, SpecKittyContract.namespace) else { return nil }
        return o
    }

    /// `value` with every field of `model` (absent optionals as null), as `model_dump` writes it.
    static func full(_ value: JSONValue?, _ model: SpecKittyContract.Model) -> JSONValue {
        guard case .object(let o)? = value else { return .null }
        var out: [String: JSONValue] = [:]
        for field in model.fields {
            let v = o[field.name] ?? .null
            switch field.type {
            case .model(let m): out[field.name] = v == .null ? .null : full(v, m)
            case .modelArray(let m):
                if case .array(let items) = v {
                    out[field.name] = .array(items.map { full($0, m) })
                } else {
                    out[field.name] = .null
                }
            default: out[field.name] = v
            }
        }
        return .object(out)
    }

    /// `normalize_event_id`: ULIDs upper-cased, UUIDs lower-cased and hyphenated.
    static func normalizedID(_ id: String) -> String {
        let b = Array(id.utf8)
        if b.count == 26 { return id.uppercased() }
        if b.count == 32, b.allSatisfy(SpecKittyValidator.isHex) {
            let h = Array(id.lowercased())
            return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
        }
        return id.lowercased()
    }
}
