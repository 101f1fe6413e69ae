/// Why an event is invalid, against dossier's own schemas or the spec-kitty-events contract (one type for both):
/// names the event type (when known), the field as a JSON path (`payload.content_hash_sha256`,
/// `payload.artifact_id.path`), the offending value and what was expected.
public struct EventValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Equatable {
        /// The bytes are not JSON (truncated, bad syntax, not UTF-8).
        case malformedJSON = "malformed_json"
        /// A required field is absent.
        case missingField = "missing_field"
        /// A field the schema does not define.
        case unknownField = "unknown_field"
        /// A field of the wrong JSON type.
        case wrongType = "wrong_type"
        /// Right type, but outside the allowed values (pattern, enum, minimum, consistency).
        case invalidValue = "invalid_value"
    }

    public var kind: Kind
    /// The `event_type` of the event when it could be read, else nil.
    public var eventType: String?
    /// JSON path of the field (empty for the whole document).
    public var field: String
    /// The offending value, rendered short (`"ABC"`, `-1`, `null`, `(absent)`).
    public var value: String
    /// What was expected, e.g. `64 lowercase hex characters`.
    public var expected: String

    public init(kind: Kind, eventType: String?, field: String, value: String, expected: String) {
        self.kind = kind
        self.eventType = eventType
        self.field = field
        self.value = value
        self.expected = expected
    }

    /// One line: `event mission_dossier_artifact_indexed: field 'payload.size_bytes': expected an integer >= 0, got -1`.
    public var description: String {
        // Field names and event types come from the input: control characters are escaped (one line, no
        // terminal escapes).
        let type = eventType.map { "event \(TerminalText.escape($0))" } ?? "event"
        let field = TerminalText.escape(self.field)
        switch kind {
        case .malformedJSON:
            return "\(type): malformed JSON: \(expected)"
        case .missingField:
            return "\(type): field '\(field)' is missing (expected \(expected))"
        case .unknownField:
            return "\(type): unknown field '\(field)' (value \(value))"
        case .wrongType, .invalidValue:
            let location = field.isEmpty ? "document" : "field '\(field)'"
            return "\(type): \(location): expected \(expected), got \(value)"
        }
    }
}
