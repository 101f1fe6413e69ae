/// The value rules, shared by the models and mirrored exactly by `schemas/*.schema.json`.
/// Each check throws an `EventValidationError` naming the field and value.
enum EventRules {
    /// `^[a-f0-9]{64}$`
    static func isSHA256Hex(_ s: String) -> Bool {
        let bytes = s.utf8
        return bytes.count == 64 && bytes.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`
    static func isLowercaseUUID(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != 0x2D { return false }
            } else if !((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)) {
                return false
            }
        }
        return true
    }

    /// RFC 3339 UTC with `Z`, optional 1–9 fraction digits:
    /// `^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]{1,9})?Z$`
    static func isRFC3339UTC(_ s: String) -> Bool {
        let b = Array(s.utf8)
        func digit(_ i: Int) -> Int? { i < b.count && b[i] >= 0x30 && b[i] <= 0x39 ? Int(b[i] - 0x30) : nil }
        func two(_ i: Int) -> Int? {
            guard let h = digit(i), let l = digit(i + 1) else { return nil }
            return h * 10 + l
        }
        guard b.count >= 20, digit(0) != nil, digit(1) != nil, digit(2) != nil, digit(3) != nil,
            b[4] == 0x2D, let month = two(5), b[7] == 0x2D, let day = two(8), b[10] == 0x54,
            let hour = two(11), b[13] == 0x3A, let minute = two(14), b[16] == 0x3A, let second = two(17)
        else { return false }
        guard (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 60 else {
            return false
        }
        var i = 19
        if b[i] == 0x2E {
            i += 1
            let start = i
            while digit(i) != nil { i += 1 }
            guard (1...9).contains(i - start) else { return false }
        }
        return i == b.count - 1 && b[i] == 0x5A
    }

    static func invalid(_ eventType: EventType, _ field: String, _ value: String, _ expected: String)
        -> EventValidationError
    {
        EventValidationError(
            kind: .invalidValue, eventType: eventType.rawValue, field: field, value: value, expected: expected)
    }

    static func quoted(_ s: String) -> String { JSONValue.string(s).excerpt }

    static func nonEmpty(_ s: String, _ type: EventType, _ field: String) throws(EventValidationError) {
        if s.isEmpty { throw invalid(type, field, "\"\"", "a non-empty string") }
    }

    static func optionalNonEmpty(_ s: String?, _ type: EventType, _ field: String) throws(EventValidationError) {
        if let s, s.isEmpty { throw invalid(type, field, "\"\"", "a non-empty string or null") }
    }

    static func hash(_ s: String, _ type: EventType, _ field: String) throws(EventValidationError) {
        if !isSHA256Hex(s) { throw invalid(type, field, quoted(s), "64 lowercase hex characters") }
    }

    static func nonNegative(_ n: Int64, _ type: EventType, _ field: String) throws(EventValidationError) {
        if n < 0 { throw invalid(type, field, String(n), "an integer >= 0") }
    }

    static func oneOf<E: RawRepresentable & CaseIterable>(
        _ raw: String, _ enumType: E.Type, _ type: EventType, _ field: String
    ) throws(EventValidationError) -> E where E.RawValue == String {
        guard let value = E(rawValue: raw) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw invalid(type, field, quoted(raw), "one of \(allowed)")
        }
        return value
    }
}
