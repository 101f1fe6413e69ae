import Foundation

/// Splits a file into events (object, array or JSON lines) and validates each with `EventEnvelope(validating:)`.
public enum EventFileValidator {
    /// What a file held: events seen, how many were invalid, one line per problem (naming line or index).
    public struct Report: Sendable, Equatable {
        public var total = 0
        public var invalid = 0
        public var problems: [String] = []
    }

    /// Validates every event of `data`; never traps, whatever the bytes.
    public static func validate(_ data: Data) -> Report {
        var report = Report()
        let firstByte = data.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if firstByte == UInt8(ascii: "[") {
            let value: JSONValue
            do {
                value = try JSONDecoder().decode(JSONValue.self, from: data)
            } catch {
                // Reuse the envelope's malformed-JSON message.
                do throws(EventValidationError) {
                    _ = try EventEnvelope(validating: data)
                } catch let e {
                    report.problems.append(e.description)
                }
                report.total = 1
                report.invalid = 1
                return report
            }
            guard case .array(let items) = value else { return report }
            if let duplicate = DuplicateKeyScanner.firstDuplicate(in: data) {
                report.total = items.count
                report.invalid = 1
                report.problems.append(
                    "\(duplicate.path.isEmpty ? "array" : TerminalText.escape(duplicate.path)): key "
                        + "'\(TerminalText.escape(duplicate.key))' appears twice in one "
                        + "object (duplicate keys are ambiguous)")
                return report
            }
            for (i, item) in items.enumerated() {
                report.total += 1
                do throws(EventValidationError) {
                    _ = try EventEnvelope(validating: item)
                } catch {
                    report.invalid += 1
                    report.problems.append("index \(i): \(error.description)")
                }
            }
            return report
        }
        // One object, possibly spread over several lines?
        if let whole = try? JSONDecoder().decode(JSONValue.self, from: data), case .object = whole {
            report.total = 1
            do throws(EventValidationError) {
                _ = try EventEnvelope(validating: data)
            } catch {
                report.invalid = 1
                report.problems.append(error.description)
            }
            return report
        }
        // JSON lines.
        var lineNumber = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.filter { ![0x20, 0x09, 0x0D].contains($0) }
            if trimmed.isEmpty { continue }
            report.total += 1
            do throws(EventValidationError) {
                _ = try EventEnvelope(validating: Data(line))
            } catch {
                report.invalid += 1
                report.problems.append("line \(lineNumber): \(error.description)")
            }
        }
        return report
    }
}
