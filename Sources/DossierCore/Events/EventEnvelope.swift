import Foundation

/// One event as sent on the wire: type, id, time, actor and typed payload.
///
/// - `eventID` is a lowercase UUID.
/// - `timestamp` is RFC 3339 UTC with `Z`; the emitter writes millisecond precision
///   (`2026-11-24T18:00:00.123Z`), validation accepts 0–9 fraction digits.
/// - `canonicalJSON()` gives the exact bytes that are queued, sent and signed.
public struct EventEnvelope: Sendable, Equatable {
    public var eventType: EventType { payload.eventType }
    public var eventID: String
    public var timestamp: String
    public var actor: String?
    public var payload: EventPayload

    /// Builds an envelope without validating it (call `validate()` before queueing).
    public init(eventID: String, timestamp: String, actor: String?, payload: EventPayload) {
        self.eventID = eventID
        self.timestamp = timestamp
        self.actor = actor
        self.payload = payload
    }

    /// Builds an envelope from a generated UUID and a clock reading.
    public init(id: UUID, date: Date, actor: String?, payload: EventPayload) {
        self.init(
            eventID: id.uuidString.lowercased(), timestamp: EventTimestamp.string(from: date), actor: actor,
            payload: payload)
    }

    static let envelopeKeys: Set<String> = ["event_type", "event_id", "timestamp", "actor", "payload"]

    /// Decodes AND validates one event from JSON bytes: malformed or truncated JSON, unknown fields, wrong types,
    /// missing fields and every value rule give an `EventValidationError` naming the field.
    /// This is the check the reference receiver and `dossier events validate` run.
    public init(validating data: Data) throws(EventValidationError) {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw EventValidationError(
                kind: .malformedJSON, eventType: nil, field: "", value: "", expected: Self.describeMalformed(data))
        }
        if let duplicate = DuplicateKeyScanner.firstDuplicate(in: data) {
            var typeName: String?
            if case .object(let o) = value, case .string(let s)? = o["event_type"] { typeName = s }
            let field = duplicate.path.isEmpty ? duplicate.key : "\(duplicate.path).\(duplicate.key)"
            throw EventValidationError(
                kind: .invalidValue, eventType: typeName, field: field, value: EventRules.quoted(duplicate.key),
                expected: "each key once per object (duplicate keys are ambiguous)")
        }
        try self.init(validating: value)
    }

    /// Validates an already parsed JSON value (e.g. one element of a batch).
    public init(validating value: JSONValue) throws(EventValidationError) {
        var typeName: String?
        if case .object(let o) = value, case .string(let s)? = o["event_type"] { typeName = s }
        let r = try FieldReader(value, path: "", eventType: typeName)
        try r.rejectUnknown(allowed: Self.envelopeKeys)
        let rawType = try r.string("event_type")
        guard let type = EventType(rawValue: rawType) else {
            throw EventValidationError(
                kind: .invalidValue, eventType: nil, field: "event_type", value: EventRules.quoted(rawType),
                expected: "one of " + EventType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let eventID = try r.string("event_id")
        let timestamp = try r.string("timestamp")
        let actor = try r.optionalString("actor")
        let payload = try EventPayload(type: type, reading: try r.required("payload", "an object"))
        self.init(eventID: eventID, timestamp: timestamp, actor: actor, payload: payload)
        try validateEnvelope()
    }

    /// Checks every rule on the envelope and its payload.
    public func validate() throws(EventValidationError) {
        try validateEnvelope()
        try payload.validate()
    }

    private func validateEnvelope() throws(EventValidationError) {
        if !EventRules.isLowercaseUUID(eventID) {
            throw EventRules.invalid(eventType, "event_id", EventRules.quoted(eventID), "a lowercase UUID")
        }
        if !EventRules.isRFC3339UTC(timestamp) {
            throw EventRules.invalid(
                eventType, "timestamp", EventRules.quoted(timestamp), "an RFC 3339 UTC time ending in Z")
        }
    }

    /// The canonical bytes: compact JSON, keys sorted, slashes unescaped, absent optionals as explicit `null`.
    /// These bytes are stored in the queue, sent and signed.
    public func canonicalJSON() -> Data {
        var writer = CanonicalJSONWriter()
        writer.envelope(self)
        return Data(writer.bytes)
    }

    /// JSONDecoder only says "not valid JSON"; JSONSerialization says where ("around character 5", "end of file").
    private static func describeMalformed(_ data: Data) -> String {
        if data.isEmpty { return "empty input" }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "not a JSON object"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return (detail ?? "not valid JSON").trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                + " (\(data.count) bytes)"
        }
    }
}
