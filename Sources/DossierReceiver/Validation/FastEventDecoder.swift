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
            var p = Cursor(bytes: raw.bindMemory(to: UInt8.self))
            return p.envelope()
        }
    }

    /// A scalar or nested value of the grammar.
    enum Scalar {
        case string(String)
        case integer(Int64)
        case bool(Bool)
        case null
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipWhitespace() {
            while index < bytes.count {
                let b = bytes[index]
                guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
                index += 1
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func peek() -> UInt8? {
            skipWhitespace()
            return index < bytes.count ? bytes[index] : nil
        }

        /// A string without escapes or control characters, valid UTF-8; nil otherwise.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            var ascii = true
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    if ascii { return String(decoding: slice, as: UTF8.self) }
                    return String(validating: slice, as: UTF8.self)
                }
                if b == UInt8(ascii: "\\") || b < 0x20 || b == 0x7F { return nil }
                if b >= 0x80 { ascii = false }
                index += 1
            }
            return nil
        }

        /// `-?[1-9][0-9]{0,17}` or `0`, followed by a delimiter; nil otherwise (fractions, exponents, `-0`).
        mutating func integer() -> Int64? {
            skipWhitespace()
            var negative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            let start = index
            var value: Int64 = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value &* 10 &+ Int64(bytes[index] - 0x30)
                index += 1
            }
            let digits = index - start
            guard digits >= 1, digits <= 18 else { return nil }
            if bytes[start] == 0x30 && (digits > 1 || negative) { return nil }
            if index < bytes.count {
                let next = bytes[index]
                guard next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == UInt8(ascii: "]")
                    || next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09
                else { return nil }
            }
            return negative ? -value : value
        }

        mutating func literal(_ word: StaticString) -> Bool {
            skipWhitespace()
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for k in 0..<count where bytes[index + k] != word.utf8Start[k] { return false }
            index += count
            return true
        }

        /// A string, integer, boolean or null.
        mutating func scalar() -> Scalar? {
            switch peek() {
            case UInt8(ascii: "\""): return string().map { .string($0) }
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return integer().map { .integer($0) }
            }
        }

        /// Walks one object, calling `member` with each key (which must consume the value and return false to
        /// give up, in particular for a key it has already seen: each caller rejects repeated keys).
        mutating func object(_ member: (inout Cursor, String) -> Bool) -> Bool {
            guard take(UInt8(ascii: "{")) else { return false }
            if take(UInt8(ascii: "}")) { return true }
            while true {
                // Keys are ASCII here: no question of Unicode equivalence between spellings of a key.
                guard let key = string(), key.utf8.allSatisfy({ $0 < 0x80 }), take(UInt8(ascii: ":"))
                else { return false }
                guard member(&self, key) else { return false }
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "}"))
            }
        }

        /// `[ "…", … ]` of plain strings.
        mutating func stringArray() -> [String]? {
            guard take(UInt8(ascii: "[")) else { return nil }
            var items: [String] = []
            if take(UInt8(ascii: "]")) { return items }
            while true {
                guard let s = string() else { return nil }
                items.append(s)
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]")) ? items : nil
            }
        }

        /// The whole input as one event; nil when unsure.
        mutating func envelope() -> EventEnvelope? {
            var fields: [String: Scalar] = [:]
            var payload: EventPayload?
            var payloadStart: Int?
            let ok = object { c, key in
                switch key {
                case "event_type", "event_id", "timestamp", "actor":
                    guard fields[key] == nil, let value = c.scalar() else { return false }
                    fields[key] = value
                    return true
                case "payload":
                    guard payloadStart == nil else { return false }
                    payloadStart = c.index
                    // Read at once when event_type came first (sorted keys do); else skip and read it afterwards.
                    if case .string(let name)? = fields["event_type"], let type = EventType(rawValue: name) {
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
                case .string(let typeName)? = fields["event_type"], let type = EventType(rawValue: typeName),
                case .string(let eventID)? = fields["event_id"], case .string(let timestamp)? = fields["timestamp"]
            else { return nil }
            let actor: String?
            switch fields["actor"] {
            case nil, .null?: actor = nil
            case .string(let s)?: actor = s
            default: return nil
            }
            if payload == nil {
                var payloadCursor = Cursor(bytes: bytes)
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
            var counts: [String: Int64]?
            var arrays: [String: [String]] = [:]
            let allowed: Set<String>
            switch type {
            case .artifactIndexed:
                allowed = [
                    "feature_slug", "artifact_key", "artifact_class", "relative_path", "content_hash_sha256",
                    "size_bytes", "wp_id", "step_id", "required_status",
                ]
            case .artifactMissing:
                allowed = [
                    "feature_slug", "artifact_key", "artifact_class", "expected_path_pattern", "reason_code",
                    "reason_detail", "blocking",
                ]
            case .snapshotComputed:
                allowed = [
                    "feature_slug", "parity_hash_sha256", "artifact_counts", "completeness_status", "snapshot_id",
                ]
            case .parityDriftDetected:
                allowed = [
                    "feature_slug", "local_parity_hash", "baseline_parity_hash", "missing_in_local",
                    "missing_in_baseline", "severity",
                ]
            }
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
}
