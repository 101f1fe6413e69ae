import Foundation

/// The fields of `meta.json` the scanner uses. Pure parsing: bytes in, values or a problem out.
public struct MetaJSON: Sendable, Equatable {
    /// `mission_type`, else the legacy `mission`.
    public var missionType: String?
    /// `current_step`, else `step`.
    public var step: String?
    /// Fields present with the wrong type (reported as `invalid_metadata`, the rest is used).
    public var problems: [String]

    /// Why meta.json could not be used at all.
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// Parses meta.json bytes: must be valid UTF-8 holding a JSON object.
    public static func parse(_ bytes: [UInt8]) -> Result<MetaJSON, Problem> {
        guard UTF8Validator.isValid(bytes) else { return .failure(Problem(message: "not valid UTF-8")) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
        } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            return .failure(Problem(message: "not valid JSON (\(text))"))
        }
        guard let dict = object as? [String: Any] else {
            return .failure(Problem(message: "expected a JSON object at top level"))
        }
        var meta = MetaJSON(missionType: nil, step: nil, problems: [])
        for key in ["mission_type", "mission"] where meta.missionType == nil {
            guard let value = dict[key] else { continue }
            if let s = value as? String, !s.isEmpty {
                meta.missionType = s
            } else {
                meta.problems.append("field '\(key)': expected a non-empty string, got \(describe(value))")
            }
        }
        for key in ["current_step", "step"] where meta.step == nil {
            guard let value = dict[key] else { continue }
            if let s = value as? String, !s.isEmpty {
                meta.step = s
            } else {
                meta.problems.append("field '\(key)': expected a non-empty string, got \(describe(value))")
            }
        }
        return .success(meta)
    }

    private static func describe(_ value: Any) -> String {
        if value is NSNull { return "null" }
        if let n = value as? NSNumber { return "\(n)" }
        if value is [Any] { return "an array" }
        if value is [String: Any] { return "an object" }
        return "'\(value)'"
    }
}
