import DossierCore
import DossierReceiver
import Foundation

extension FuzzTarget {
    /// The receiver's work after authentication: split the body into events, validate each.
    public static let batchBody = FuzzTarget(
        name: "batch-body", summary: "receiver batch body parser and per-event validation"
    ) { data in
        do {
            let batch = try BatchParser.parse(data)
            FuzzTarget.check(!batch.batchID.isEmpty, "a batch without an id was accepted")
            for raw in batch.events {
                FuzzTarget.check(raw.count <= data.count, "an event is longer than the body")
                do {
                    FuzzChecks.roundTrip(try EventEnvelope(validating: raw))
                } catch {
                    FuzzChecks.printable("\(error)", "event validation error")
                }
            }
        } catch {
            FuzzChecks.printable("\(error)", "batch parse error")
        }
    }
}
