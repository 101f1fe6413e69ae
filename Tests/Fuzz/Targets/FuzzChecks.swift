import DossierCore
import Foundation

/// Invariants shared by several targets.
enum FuzzChecks {
    /// An error message or shown value stays on one line and holds no control character.
    static func printable(_ text: String, _ what: String) {
        FuzzTarget.check(
            !text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(what) holds a control character")
    }

    /// A valid event's canonical bytes are valid and decode to the same event.
    static func roundTrip(_ event: EventEnvelope) {
        let bytes = event.canonicalJSON()
        do {
            let again = try EventEnvelope(validating: bytes)
            FuzzTarget.check(again == event, "canonical JSON decodes to a different event")
            FuzzTarget.check(again.canonicalJSON() == bytes, "canonical JSON is not stable")
        } catch {
            FuzzTarget.check(false, "canonical JSON of a valid event is invalid: \(error)")
        }
    }
}
