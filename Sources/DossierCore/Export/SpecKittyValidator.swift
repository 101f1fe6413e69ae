import Foundation

/// Checks events against the spec-kitty-events contract: the `Event` envelope (ids, times, clock, UUID, semver)
/// and the dossier payload models of `SpecKittyContract`, reporting the first problem with its field path.
/// Stricter than the package in one place: unknown envelope fields are refused (the package would silently drop
/// them); lamport_clock is optional as in 11.x (6.x requires it, and dossier always writes it).
public enum SpecKittyValidator {
    static let envelopeKeys: Set<String> = [
        "event_id", "event_type", "aggregate_id", "payload", "timestamp", "build_id", "node_id", "lamport_clock",
        "causation_id", "project_uuid", "project_slug", "correlation_id", "schema_version", "data_tier",
    ]

    /// Validates one envelope; returns its type.
    @discardableResult
    public static func validateEnvelope(_ value: JSONValue) throws(EventValidationError) -> SpecKittyEventType {
        guard case .object(let o) = value else {
            throw EventValidationError(
                kind: .wrongType, eventType: nil, field: "", value: value.excerpt, expected: "a JSON object")
        }
        var typeName: String?
        if case .string(let s)? = o["event_type"] { typeName = s }
        func fail(_ kind: EventValidationError.Kind, _ field: String, _ v: String, _ expected: String)
            -> EventValidationError
        {
            EventValidationError(kind: kind, eventType: typeName, field: field, value: v, expected: expected)
        }
        if let unknown = o.keys.filter({ !envelopeKeys.contains($0) }).min(by: ByteOrder.less) {
            throw fail(.unknownField, unknown, o[unknown]?.excerpt ?? "", "")
        }
        func string(_ key: String, required: Bool = true, minLength: Int = 1, nullable: Bool = true)
            throws(EventValidationError) -> String?
        {
            switch o[key] {
            case .null? where !nullable || required:
                throw fail(.wrongType, key, "null", "a string")
            case nil, .null?:
                if required { throw fail(.missingField, key, "(absent)", "a string") }
                return nil
            case .string(let s)?:
                if s.count < minLength {
                    throw fail(.invalidValue, key, JSONValue.string(s).excerpt, "at least \(minLength) character")
                }
                return s
            case let v?: throw fail(.wrongType, key, v.excerpt, "a string")
            }
        }
        let rawType = try string("event_type") ?? ""
        guard let type = SpecKittyEventType(rawValue: rawType) else {
            throw fail(
                .invalidValue, "event_type", JSONValue.string(rawType).excerpt,
                "a dossier event type: " + SpecKittyEventType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        for key in ["event_id", "correlation_id", "causation_id"] {
            guard let id = try string(key, required: key != "causation_id") else { continue }
            if !isEventID(id) {
                throw fail(
                    .invalidValue, key, JSONValue.string(id).excerpt,
                    "a 26-char ULID, a 36-char UUID or 32 hex characters")
            }
        }
        for key in ["aggregate_id", "build_id", "node_id"] { _ = try string(key) }
        _ = try string("project_slug", required: false, minLength: 0)
        let project = try string("project_uuid") ?? ""
        if !isUUID(project) {
            throw fail(.invalidValue, "project_uuid", JSONValue.string(project).excerpt, "a UUID")
        }
        let time = try string("timestamp") ?? ""
        if !isISO8601DateTime(time) {
            throw fail(.invalidValue, "timestamp", JSONValue.string(time).excerpt, "an ISO 8601 date-time")
        }
        if let version = try string("schema_version", required: false, nullable: false), !isSemver(version) {
            throw fail(.invalidValue, "schema_version", JSONValue.string(version).excerpt, "a semver like 3.0.0")
        }
        try integer(o["lamport_clock"], "lamport_clock", 0, nil, nullable: true, fail)
        try integer(o["data_tier"], "data_tier", 0, 4, nullable: false, fail)
        guard let payload = o["payload"] else { throw fail(.missingField, "payload", "(absent)", "an object") }
        try validate(payload, model: SpecKittyContract.payload(type), path: "payload", eventType: rawType)
        return type
    }

    /// Validates a bare payload of `type` (the shape of the package's conformance fixtures).
    public static func validatePayload(_ value: JSONValue, type: SpecKittyEventType) throws(EventValidationError) {
        try validate(value, model: SpecKittyContract.payload(type), path: "", eventType: type.rawValue)
    }

    private static func integer(
        _ value: JSONValue?, _ key: String, _ minimum: Int64, _ maximum: Int64?, nullable: Bool,
        _ fail: (EventValidationError.Kind, String, String, String) -> EventValidationError
    ) throws(EventValidationError) {
        switch value {
        case .null? where !nullable: throw fail(.wrongType, key, "null", "an integer")
        case nil, .null?: return
        case .integer(let i)?:
            if i < minimum || (maximum.map { i > $0 } ?? false) {
                throw fail(
                    .invalidValue, key, String(i), maximum.map { "\(minimum)…\($0)" } ?? "an integer >= \(minimum)")
            }
        case let v?: throw fail(.wrongType, key, v.excerpt, "an integer")
        }
    }

    /// Walks `value` against `model`: unknown fields, missing required ones, types, lengths, enums, minimums.
    static func validate(_ value: JSONValue, model: SpecKittyContract.Model, path: String, eventType: String?)
        throws(EventValidationError)
    {
        func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        guard case .object(let o) = value else {
            throw EventValidationError(
                kind: .wrongType, eventType: eventType, field: path, value: value.excerpt,
                expected: "an object (\(model.name))")
        }
        let names = Set(model.fields.map(\.name))
        if let unknown = o.keys.filter({ !names.contains($0) }).min(by: ByteOrder.less) {
            throw EventValidationError(
                kind: .unknownField, eventType: eventType, field: at(unknown), value: o[unknown]?.excerpt ?? "",
                expected: "")
        }
        for field in model.fields {
            let v = o[field.name]
            if v == nil || v == .null {
                if field.required {
                    throw EventValidationError(
                        kind: v == nil ? .missingField : .wrongType, eventType: eventType, field: at(field.name),
                        value: v == nil ? "(absent)" : "null", expected: describe(field.type))
                }
                continue
            }
            try check(v ?? .null, field.type, path: at(field.name), eventType: eventType)
        }
    }

    private static func check(_ v: JSONValue, _ type: SpecKittyContract.FieldType, path: String, eventType: String?)
        throws(EventValidationError)
    {
        func bad(_ kind: EventValidationError.Kind, _ field: String? = nil) -> EventValidationError {
            EventValidationError(
                kind: kind, eventType: eventType, field: field ?? path, value: v.excerpt, expected: describe(type))
        }
        switch type {
        case .string(let minLength):
            guard case .string(let s) = v else { throw bad(.wrongType) }
            if s.count < minLength { throw bad(.invalidValue) }
        case .oneOf(let allowed):
            guard case .string(let s) = v else { throw bad(.wrongType) }
            if !allowed.contains(s) { throw bad(.invalidValue) }
        case .integer(let minimum):
            guard case .integer(let i) = v else { throw bad(.wrongType) }
            if i < minimum { throw bad(.invalidValue) }
        case .model(let m):
            try validate(v, model: m, path: path, eventType: eventType)
        case .modelArray(let m):
            guard case .array(let items) = v else { throw bad(.wrongType) }
            for (i, item) in items.enumerated() {
                try validate(item, model: m, path: "\(path)[\(i)]", eventType: eventType)
            }
        case .stringArray:
            guard case .array(let items) = v else { throw bad(.wrongType) }
            for (i, item) in items.enumerated() {
                guard case .string = item else {
                    throw EventValidationError(
                        kind: .wrongType, eventType: eventType, field: "\(path)[\(i)]", value: item.excerpt,
                        expected: "a string")
                }
            }
        case .stringMap:
            guard case .object(let o) = v else { throw bad(.wrongType) }
            for key in ByteOrder.sorted(Array(o.keys)) {
                guard case .string? = o[key] else {
                    throw EventValidationError(
                        kind: .wrongType, eventType: eventType, field: "\(path).\(key)", value: o[key]?.excerpt ?? "",
                        expected: "a string (context_diagnostics maps strings to strings)")
                }
            }
        }
    }

    static func describe(_ type: SpecKittyContract.FieldType) -> String {
        switch type {
        case .string(let n): return n > 0 ? "a non-empty string" : "a string"
        case .oneOf(let allowed): return "one of " + allowed.joined(separator: ", ")
        case .integer(let minimum): return "an integer >= \(minimum)"
        case .model(let m): return "an object (\(m.name))"
        case .modelArray(let m): return "an array of \(m.name) objects"
        case .stringArray: return "an array of strings"
        case .stringMap: return "an object of strings"
        }
    }

    // MARK: - Value rules of the envelope

    static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }

    /// `normalize_event_id`: a Crockford base32 ULID (no I, L, O, U), a hyphenated UUID, or 32 hex characters.
    static func isEventID(_ s: String) -> Bool {
        let b = Array(s.utf8)
        if b.count == 26 {
            return b.allSatisfy { c in
                let u = (c >= 0x61 && c <= 0x7A) ? c - 0x20 : c
                let digit = u >= 0x30 && u <= 0x39
                let letter = u >= 0x41 && u <= 0x5A && !"ILOU".utf8.contains(u)
                return digit || letter
            }
        }
        return isUUID(s)
    }

    /// A UUID as Python's `uuid.UUID` reads it here: 8-4-4-4-12 hex with hyphens, or 32 hex digits.
    static func isUUID(_ s: String) -> Bool {
        let b = Array(s.utf8)
        if b.count == 32 { return b.allSatisfy(isHex) }
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                if c != UInt8(ascii: "-") { return false }
            } else if !isHex(c) {
                return false
            }
        }
        return true
    }

    static func isSemver(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
    }

    /// `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:]MM]` with fields in range (what pydantic parses as a datetime).
    static func isISO8601DateTime(_ s: String) -> Bool {
        guard let p = UTCOrderKey.parse(s) else { return false }
        guard (1...12).contains(p.month), (1...31).contains(p.day), p.hour < 24, p.minute < 60, p.second < 60
        else { return false }
        if let offset = p.offsetFields { return offset.hours < 24 && offset.minutes < 60 }
        return true
    }
}
