/// Why an event does not satisfy the spec-kitty-events contract: the event type when known, the field as a JSON path
/// (`payload.artifact_id.path`), the offending value and what the contract expects.
public struct SpecKittyValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case malformedJSON = "malformed_json"
        case missingField = "missing_field"
        case unknownField = "unknown_field"
        case wrongType = "wrong_type"
        case invalidValue = "invalid_value"
    }

    public var kind: Kind
    public var eventType: String?
    public var field: String
    public var value: String
    public var expected: String

    public init(kind: Kind, eventType: String?, field: String, value: String, expected: String) {
        self.kind = kind
        self.eventType = eventType
        self.field = field
        self.value = value
        self.expected = expected
    }

    /// One line, e.g. `MissionDossierArtifactIndexed: field 'payload.artifact_id.path' is missing (expected …)`.
    public var description: String {
        let type = eventType ?? "event"
        switch kind {
        case .malformedJSON: return "\(type): malformed JSON: \(expected)"
        case .missingField: return "\(type): field '\(field)' is missing (expected \(expected))"
        case .unknownField: return "\(type): unknown field '\(field)' (value \(value)); the contract forbids extras"
        case .wrongType, .invalidValue:
            return "\(type): field '\(field.isEmpty ? "(document)" : field)': expected \(expected), got \(value)"
        }
    }
}
