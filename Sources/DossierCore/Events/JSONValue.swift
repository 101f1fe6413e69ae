/// A parsed JSON value, used to validate events field by field (unknown fields, wrong types) before they become
/// typed models. Decoding goes through `JSONDecoder`, so booleans and numbers are never confused.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// An integer that fits in 64 bits.
    case integer(Int64)
    /// Any other number.
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name as JSON Schema spells it, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// A short rendering of the value for error messages (strings quoted, long values cut).
    public var excerpt: String {
        let text: String
        switch self {
        case .null: text = "null"
        case .bool(let b): text = b ? "true" : "false"
        case .integer(let i): text = String(i)
        case .number(let d): text = String(d)
        case .string(let s): text = "\"" + TerminalText.escape(s) + "\""
        case .array(let a): text = "[" + a.prefix(3).map(\.excerpt).joined(separator: ",") + (a.count > 3 ? ",…]" : "]")
        case .object(let o):
            text = "{" + o.keys.sorted().prefix(4).map { TerminalText.escape($0) }.joined(separator: ",")
                + (o.count > 4 ? ",…}" : "}")
        }
        return text.count > 80 ? String(text.prefix(77)) + "…" : text
    }
}

extension JSONValue: Decodable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else if let o = try? c.decode([String: JSONValue].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
        }
    }
}
