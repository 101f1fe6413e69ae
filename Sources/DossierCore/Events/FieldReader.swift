/// Reads the fields of one JSON object for validation, tracking the JSON path and rejecting unknown fields.
/// Structural checks (presence, JSON types, unknown fields) live here; value rules live in `EventRules`.
struct FieldReader {
    let object: [String: JSONValue]
    let path: String
    let eventType: String?

    init(_ value: JSONValue, path: String, eventType: String?) throws(EventValidationError) {
        guard case .object(let object) = value else {
            throw EventValidationError(
                kind: .wrongType, eventType: eventType, field: path, value: value.excerpt, expected: "an object")
        }
        self.object = object
        self.path = path
        self.eventType = eventType
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Rejects any key not in `allowed` (the first in byte order, so the error is deterministic).
    func rejectUnknown(allowed: Set<String>) throws(EventValidationError) {
        let unknown = object.keys.filter { !allowed.contains($0) }
        if let first = unknown.min(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            throw EventValidationError(
                kind: .unknownField, eventType: eventType, field: fieldPath(first),
                value: object[first]!.excerpt, expected: "no such field")
        }
    }

    func required(_ key: String, _ expected: String) throws(EventValidationError) -> JSONValue {
        guard let value = object[key] else {
            throw EventValidationError(
                kind: .missingField, eventType: eventType, field: fieldPath(key), value: "(absent)", expected: expected)
        }
        return value
    }

    func wrongType(_ key: String, _ value: JSONValue, _ expected: String) -> EventValidationError {
        EventValidationError(
            kind: .wrongType, eventType: eventType, field: fieldPath(key), value: value.excerpt, expected: expected)
    }

    func string(_ key: String) throws(EventValidationError) -> String {
        let value = try required(key, "a string")
        guard case .string(let s) = value else { throw wrongType(key, value, "a string") }
        return s
    }

    /// A string or null; absent is accepted as null.
    func optionalString(_ key: String) throws(EventValidationError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let value?: throw wrongType(key, value, "a string or null")
        }
    }

    func integer(_ key: String) throws(EventValidationError) -> Int64 {
        let value = try required(key, "an integer")
        switch value {
        case .integer(let i): return i
        case .number(let d) where d.rounded() == d && abs(d) < 9.0e18: return Int64(d)
        default: throw wrongType(key, value, "an integer")
        }
    }

    func bool(_ key: String) throws(EventValidationError) -> Bool {
        let value = try required(key, "a boolean")
        guard case .bool(let b) = value else { throw wrongType(key, value, "a boolean") }
        return b
    }

    func stringArray(_ key: String) throws(EventValidationError) -> [String] {
        let value = try required(key, "an array of strings")
        guard case .array(let items) = value else { throw wrongType(key, value, "an array of strings") }
        var result: [String] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard case .string(let s) = item else {
                throw EventValidationError(
                    kind: .wrongType, eventType: eventType, field: "\(fieldPath(key))[\(index)]",
                    value: item.excerpt, expected: "a string")
            }
            result.append(s)
        }
        return result
    }

    func nested(_ key: String) throws(EventValidationError) -> FieldReader {
        let value = try required(key, "an object")
        return try FieldReader(value, path: fieldPath(key), eventType: eventType)
    }
}
