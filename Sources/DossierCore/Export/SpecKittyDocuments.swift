import Foundation

/// Splits a file into JSON documents as `dossier events validate|reduce` read it: one object (possibly spread over
/// several lines), a JSON array, or JSON lines. Each document carries where it came from (`line 3`, `index 2`) and
/// either its value or why it could not be parsed.
public enum SpecKittyDocuments {
    /// One document of a file.
    public struct Document: Sendable, Equatable {
        /// `line N`, `index N`, or empty for a whole-file object.
        public var location: String
        public var value: Result<JSONValue, EventValidationError>
    }

    /// The documents of `data`; empty when it holds only whitespace.
    public static func split(_ data: Data) -> [Document] {
        let ws: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
        guard let first = data.first(where: { !ws.contains($0) }) else { return [] }
        if first == UInt8(ascii: "[") {
            switch parse(data) {
            case .success(.array(let items)):
                return items.enumerated().map { Document(location: "index \($0.offset)", value: .success($0.element)) }
            case .success(let other):
                return [Document(location: "", value: .success(other))]
            case .failure(let e):
                return [Document(location: "", value: .failure(e))]
            }
        }
        if case .success(let whole) = parse(data), case .object = whole {
            return [Document(location: "", value: .success(whole))]
        }
        var docs: [Document] = []
        var lineNumber = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ ws.contains($0) }) { continue }
            docs.append(Document(location: "line \(lineNumber)", value: parse(Data(line))))
        }
        return docs
    }

    /// Parses one JSON document, refusing duplicate keys (ambiguous: Python keeps the last, others the first).
    public static func parse(_ data: Data) -> Result<JSONValue, EventValidationError> {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            var detail = "not valid JSON (\(data.count) bytes)"
            do {
                _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            } catch {
                if let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
                    detail = text.trimmingCharacters(in: CharacterSet(charactersIn: ". ")) + " (\(data.count) bytes)"
                }
            }
            return .failure(
                EventValidationError(kind: .malformedJSON, eventType: nil, field: "", value: "", expected: detail))
        }
        if let duplicate = DuplicateKeyScanner.firstDuplicate(in: data) {
            let field = duplicate.path.isEmpty ? duplicate.key : "\(duplicate.path).\(duplicate.key)"
            return .failure(
                EventValidationError(
                    kind: .invalidValue, eventType: nil, field: field, value: JSONValue.string(duplicate.key).excerpt,
                    expected: "each key once per object"))
        }
        return .success(value)
    }
}
