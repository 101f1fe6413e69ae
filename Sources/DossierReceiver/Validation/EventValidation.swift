import DossierCore
import Foundation

/// Validates one received event. The rules and messages are `EventEnvelope(validating:)`'s.
enum EventValidation {
    static func envelope(_ raw: Data) throws(EventValidationError) -> EventEnvelope {
        try EventEnvelope(validating: raw)
    }
}
