import DossierCore
import Foundation

/// A one-pass decoder for events in the shape senders write (the canonical JSON of `EventEnvelope`, any key order
/// and whitespace), straight into the typed models without a generic JSON tree. It only ever says "valid, and
/// this is the envelope" or "not sure": anything outside its narrow grammar (escapes, fractions, exponents,
/// unknown or repeated keys, wrong types, a broken rule) returns nil, and the caller runs the full
/// `EventEnvelope(validating:)`, whose messages are the contract. So the rules and messages stay exactly the
/// validator's; a differential test pins that every envelope decoded here is the one the validator builds.
enum FastEventDecoder {
    static func decode(_ data: Data) -> EventEnvelope? {
        data.withUnsafeBytes { raw in
            var p = JSONCursor(bytes: raw.bindMemory(to: UInt8.self))
            return p.envelope()
        }
    }

    /// The payload keys of each event type (built once, not per event).
    static let allowedKeys: [EventType: Set<String>] = [
        .artifactIndexed: [
            "feature_slug", "artifact_key", "artifact_class", "relative_path", "content_hash_sha256",
            "size_bytes", "wp_id", "step_id", "required_status",
        ],
        .artifactMissing: [
            "feature_slug", "artifact_key", "artifact_class", "expected_path_pattern", "reason_code",
            "reason_detail", "blocking",
        ],
        .snapshotComputed: [
            "feature_slug", "parity_hash_sha256", "artifact_counts", "completeness_status", "snapshot_id",
        ],
        .parityDriftDetected: [
            "feature_slug", "local_parity_hash", "baseline_parity_hash", "missing_in_local",
            "missing_in_baseline", "severity",
        ],
    ]
}

/// The event grammar on the receiver's tokenizer.
extension JSONCursor {
    /// The whole input as one event; nil when unsure.
    mutating func envelope() -> EventEnvelope? {
        // The four envelope fields in slots of their own (no dictionary per event); a key seen twice gives up.
        var eventTypeField: Scalar?
        var eventIDField: Scalar?
        var timestampField: Scalar?
        var actorField: Scalar?
        func read(_ slot: inout Scalar?, _ c: inout JSONCursor) -> Bool {
            guard slot == nil, let value = c.scalar() else { return false }
            slot = value
            return true
        }
        var payload: EventPayload?
        var payloadStart: Int?
        let ok = object { c, key in
            switch key {
            case "event_type": return read(&eventTypeField, &c)
            case "event_id": return read(&eventIDField, &c)
            case "timestamp": return read(&timestampField, &c)
            case "actor": return read(&actorField, &c)
            case "payload":
                guard payloadStart == nil else { return false }
                payloadStart = c.index
                // Read at once when event_type came first (sorted keys do); else skip and read it afterwards.
                if case .string(let name)? = eventTypeField, let type = EventType(rawValue: name) {
                    payload = c.payload(type)
                    return payload != nil
                }
                return c.skipPayload()
            default:
                return false
            }
        }
        skipWhitespace()
        guard ok, index == bytes.count, let start = payloadStart,
            case .string(let typeName)? = eventTypeField, let type = EventType(rawValue: typeName),
            case .string(let eventID)? = eventIDField, case .string(let timestamp)? = timestampField
        else { return nil }
        let actor: String?
        switch actorField {
        case nil, .null?: actor = nil
        case .string(let s)?: actor = s
        default: return nil
        }
        if payload == nil {
            var payloadCursor = JSONCursor(bytes: bytes)
            payloadCursor.index = start
            payload = payloadCursor.payload(type)
        }
        guard let payload, payload.eventType == type else { return nil }
        let envelope = EventEnvelope(eventID: eventID, timestamp: timestamp, actor: actor, payload: payload)
        do { try envelope.validate() } catch { return nil }
        return envelope
    }

    /// Skips the payload object (only the shapes `payload(_:)` can read: nested objects and string arrays).
    /// Repeated keys are left for `payload(_:)` to refuse.
    mutating func skipPayload() -> Bool {
        object { c, _ in
            switch c.peek() {
            case UInt8(ascii: "{"): return c.object { inner, _ in inner.scalar() != nil }
            case UInt8(ascii: "["): return c.stringArray() != nil
            default: return c.scalar() != nil
            }
        }
    }

    mutating func payload(_ type: EventType) -> EventPayload? {
        var f: [String: Scalar] = [:]
        f.reserveCapacity(9)
        var counts: [String: Int64]?
        var arrays: [String: [String]] = [:]
        let allowed = FastEventDecoder.allowedKeys[type] ?? []
        let ok = object { c, key in
            guard allowed.contains(key), f[key] == nil, arrays[key] == nil else { return false }
            if key == "artifact_counts" {
                guard counts == nil else { return false }
                var n: [String: Int64] = [:]
                guard
                    c.object({ inner, countKey in
                        guard n[countKey] == nil, let v = inner.integer() else { return false }
                        n[countKey] = v
                        return true
                    })
                else { return false }
                counts = n
                return true
            }
            if key == "missing_in_local" || key == "missing_in_baseline" {
                guard let items = c.stringArray() else { return false }
                arrays[key] = items
                return true
            }
            guard let v = c.scalar() else { return false }
            f[key] = v
            return true
        }
        guard ok else { return nil }
        func string(_ key: String) -> String? {
            if case .string(let s)? = f[key] { return s }
            return nil
        }
        /// nil = give up; .some(nil) = absent or null.
        func optional(_ key: String) -> String?? {
            switch f[key] {
            case nil, .null?: return .some(nil)
            case .string(let s)?: return .some(s)
            default: return nil
            }
        }
        switch type {
        case .artifactIndexed:
            guard let slug = string("feature_slug"), let key = string("artifact_key"),
                let cls = string("artifact_class").flatMap(ArtifactClass.init(rawValue:)),
                let path = string("relative_path"), let hash = string("content_hash_sha256"),
                case .integer(let size)? = f["size_bytes"], let wp = optional("wp_id"),
                let step = optional("step_id"),
                let required = string("required_status").flatMap(RequiredStatus.init(rawValue:))
            else { return nil }
            return .artifactIndexed(
                ArtifactIndexedPayload(
                    featureSlug: slug, artifactKey: key, artifactClass: cls, relativePath: path,
                    contentHashSHA256: hash, sizeBytes: size, wpID: wp, stepID: step, requiredStatus: required))
        case .artifactMissing:
            guard let slug = string("feature_slug"), let key = string("artifact_key"),
                let cls = string("artifact_class").flatMap(ArtifactClass.init(rawValue:)),
                let pattern = string("expected_path_pattern"),
                let reason = string("reason_code").flatMap(MissingReason.init(rawValue:)),
                let detail = optional("reason_detail"), case .bool(let blocking)? = f["blocking"]
            else { return nil }
            return .artifactMissing(
                ArtifactMissingPayload(
                    featureSlug: slug, artifactKey: key, artifactClass: cls, expectedPathPattern: pattern,
                    reasonCode: reason, reasonDetail: detail, blocking: blocking))
        case .snapshotComputed:
            guard let slug = string("feature_slug"), let parity = string("parity_hash_sha256"),
                let n = counts, n.count == 6,
                let total = n["total"], let required = n["required"], let requiredPresent = n["required_present"],
                let requiredMissing = n["required_missing"], let optional = n["optional"],
                let optionalPresent = n["optional_present"],
                let completeness = string("completeness_status").flatMap(Completeness.init(rawValue:)),
                let snapshotID = string("snapshot_id")
            else { return nil }
            return .snapshotComputed(
                SnapshotComputedPayload(
                    featureSlug: slug, parityHashSHA256: parity,
                    artifactCounts: ArtifactCounts(
                        total: Int(total), required: Int(required), requiredPresent: Int(requiredPresent),
                        requiredMissing: Int(requiredMissing), optional: Int(optional),
                        optionalPresent: Int(optionalPresent)),
                    completenessStatus: completeness, snapshotID: snapshotID))
        case .parityDriftDetected:
            guard let slug = string("feature_slug"), let local = string("local_parity_hash"),
                let baseline = string("baseline_parity_hash"), let missingInLocal = arrays["missing_in_local"],
                let missingInBaseline = arrays["missing_in_baseline"],
                let severity = string("severity").flatMap(DriftSeverity.init(rawValue:))
            else { return nil }
            return .parityDriftDetected(
                ParityDriftDetectedPayload(
                    featureSlug: slug, localParityHash: local, baselineParityHash: baseline,
                    missingInLocal: missingInLocal, missingInBaseline: missingInBaseline, severity: severity))
        }
    }
}
