import DossierCore
import Foundation

/// Validates one received event with `EventEnvelope(validating:)`'s rules and messages: events in the usual shape
/// go through `FastEventDecoder` (no generic JSON tree), everything else, and every invalid event, through the
/// full validator, which gives the error.
enum EventValidation {
    static func envelope(_ raw: Data) throws(EventValidationError) -> EventEnvelope {
        if let envelope = FastEventDecoder.decode(raw) { return envelope }
        return try EventEnvelope(validating: raw)
    }
}
